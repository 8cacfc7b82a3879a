#include "migration/model/injected_bugs.h"

#include <set>

#include <gtest/gtest.h>

namespace mrm::model {
namespace {

TEST(InjectedBugsTest, TheNamesTheEngineUses) {
  const std::set<std::string_view> names(InjectedBugNames().begin(), InjectedBugNames().end());
  EXPECT_EQ(names, (std::set<std::string_view>{
                       "unaligned-pages-offset", "odirect-main-channel", "ungated-direct-io",
                       "silent-buffered-fallback", "misaligned-page-buffers",
                       "bitmap-via-odirect-channel", "zero-pages-in-bitmap", "relative-rounding",
                       "truncate-prefix", "ignore-short-writes"}));
}

TEST(InjectedBugsTest, AliasesResolveToCanonicalBugs) {
  EXPECT_EQ(InjectedBugFromName("stale-zero-bits"), InjectedBug::kZeroPagesInBitmap);
  EXPECT_EQ(InjectedBugFromName("direct-main-channel"), InjectedBug::kOdirectMainChannel);
}

TEST(InjectedBugsTest, NameAndEnumAgree) {
  for (std::string_view name : InjectedBugNames()) {
    const auto bug = InjectedBugFromName(name);
    ASSERT_TRUE(bug.has_value()) << name;
    EXPECT_EQ(InjectedBugName(*bug), name);
  }
  EXPECT_EQ(InjectedBugFromName("zero-pages-in-bitmap"), InjectedBug::kZeroPagesInBitmap);
  EXPECT_FALSE(InjectedBugFromName("no-such-bug").has_value());
}

TEST(InjectedBugsTest, ParsedInTheOrderSetWithAliasesResolved) {
  auto bugs = ParseInjectedBugs({"truncate-prefix", "stale-zero-bits", "truncate-prefix"});
  ASSERT_TRUE(bugs.ok());
  EXPECT_EQ(bugs->Names(), (std::vector<std::string>{"truncate-prefix", "zero-pages-in-bitmap", "truncate-prefix"}));
  EXPECT_TRUE(bugs->has(InjectedBug::kZeroPagesInBitmap));
  EXPECT_TRUE(bugs->has(InjectedBug::kTruncatePrefix));
  EXPECT_FALSE(bugs->has(InjectedBug::kIgnoreShortWrites));
  EXPECT_FALSE(bugs->empty());
  EXPECT_TRUE(ParseInjectedBugs({})->empty());
}

TEST(InjectedBugsTest, AnUnknownNameIsRefusedWithQemusText) {
  auto bugs = ParseInjectedBugs({"ungated-direct-io", "no-such-bug"});
  ASSERT_FALSE(bugs.ok());
  EXPECT_EQ(bugs.status().message(), "Parameter 'x-inject' does not accept value 'no-such-bug'");
}

}  // namespace
}  // namespace mrm::model
