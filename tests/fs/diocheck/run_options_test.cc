#include "fs/diocheck/run_options.h"

#include <utility>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

using Variables = std::vector<std::pair<std::string, std::string>>;

TEST(RunEnvironmentTest, PreloadsTheLibraryFirstAndSetsOnlyWhatWasGiven) {
  RunOptions options;
  options.library = "/opt/lib/libdiocheck.so";
  auto variables = RunEnvironment(options, nullptr);
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(*variables, (Variables{{"LD_PRELOAD", "/opt/lib/libdiocheck.so"}}));
  options.mode = "record";
  options.log = "/tmp/v.jsonl";
  options.mem_align = 4096;
  options.quiet = true;
  variables = RunEnvironment(options, "/usr/lib/libother.so");
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(*variables, (Variables{{"LD_PRELOAD", "/opt/lib/libdiocheck.so:/usr/lib/libother.so"},
                                   {"DIOCHECK_MODE", "record"},
                                   {"DIOCHECK_LOG", "/tmp/v.jsonl"},
                                   {"DIOCHECK_MEM_ALIGN", "4096"},
                                   {"DIOCHECK_QUIET", "1"}}));
}

TEST(RunEnvironmentTest, RelativePathsBecomeAbsolute) {
  RunOptions options;
  options.library = "build/lib/libdiocheck.so";
  options.log = "v.jsonl";
  const auto variables = RunEnvironment(options, "");
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ((*variables)[0].second.front(), '/');
  EXPECT_EQ((*variables)[1].second.front(), '/');
}

TEST(RunEnvironmentTest, RejectsBadModeAndAlignment) {
  RunOptions options;
  options.library = "libdiocheck.so";
  options.mode = "warn";
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
  options.mode = "";
  options.mem_align = 3000;
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
  options.mem_align = 0;
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
}

}  // namespace
}  // namespace diocheck
