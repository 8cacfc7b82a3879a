#include "common/text/json_nesting.h"

#include <gtest/gtest.h>

#include <string>

namespace dioh {
namespace {

TEST(JsonNestingTest, ShallowTextPasses) {
  EXPECT_TRUE(CheckJsonNesting(R"({"a": [1, {"b": [2]}]})").ok());
  EXPECT_TRUE(CheckJsonNesting(std::string(64, '[') + std::string(64, ']')).ok());
  EXPECT_TRUE(CheckJsonNesting("").ok());
}

TEST(JsonNestingTest, TooDeepIsRefusedAtItsOffset) {
  const Status deep = CheckJsonNesting(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_EQ(deep.code(), EINVAL);
  EXPECT_EQ(deep.message(), "JSON nested deeper than 64 levels at byte 64");
  EXPECT_FALSE(CheckJsonNesting(R"({"a":{"b":{}}})", 2).ok());
}

TEST(JsonNestingTest, BracketsInStringsDoNotCount) {
  EXPECT_TRUE(CheckJsonNesting(R"(["[[[[", "\"[[[[", "{{{{"])", 2).ok());
  EXPECT_FALSE(CheckJsonNesting(R"(["\\", [[]]])", 2).ok());  // an escaped backslash ends before the quote
}

}  // namespace
}  // namespace dioh
