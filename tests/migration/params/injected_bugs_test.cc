#include "migration/params/injected_bugs.h"

#include <set>

#include <gtest/gtest.h>

namespace mrm::params {
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

}  // namespace
}  // namespace mrm::params
