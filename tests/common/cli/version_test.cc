#include "common/cli/version.h"

#include <gtest/gtest.h>

namespace dioh::cli {
namespace {

TEST(VersionLine, NamesTheProgramTheVersionAndTheProject) {
  const std::string line = VersionLine("diofs");
  EXPECT_EQ(line.rfind("diofs ", 0), 0u) << line;
  EXPECT_NE(line.find(DIOHARNESS_TEST_VERSION), std::string::npos) << line;
  EXPECT_NE(line.find("(dioharness)"), std::string::npos) << line;
}

TEST(VersionLine, DioharnessDoesNotRepeatItsName) {
  EXPECT_EQ(VersionLine("dioharness"), std::string("dioharness ") + DIOHARNESS_TEST_VERSION);
}

}  // namespace
}  // namespace dioh::cli
