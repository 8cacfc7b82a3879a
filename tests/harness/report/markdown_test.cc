#include <gtest/gtest.h>

#include <string>

#include "harness/report/report.h"
#include "tests/harness/report/report_samples.h"

namespace dioh {
namespace {

using report_test::Sample;
using report_test::WithRunnerFailures;

TEST(MarkdownTest, MarkdownHasOneRowPerResultAndListsFailedChecks) {
  const std::string md = ToMarkdown(Sample());
  EXPECT_NE(md.find("**1 passed, 1 failed**"), std::string::npos);
  EXPECT_NE(md.find("| save-load-4ch | strict-4k | completed | completed | pass | 1.50 |"), std::string::npos);
  EXPECT_NE(md.find("| **FAIL** |"), std::string::npos);
  // A pipe in a detail must not break the table or the list.
  EXPECT_NE(md.find("**odirect-aligned**: write #17 at offset 1000 <len 4096> | tid 12"), std::string::npos);
  EXPECT_EQ(md.find("bitmap-matches-pages"), std::string::npos);  // passed checks are not listed
  EXPECT_NE(md.find("took 2.5 s"), std::string::npos);
  EXPECT_NE(md.find("- engine: mrmigrate"), std::string::npos);
  EXPECT_NE(md.find("| unaligned-pages | strict-4k | mapped-ram multifd direct-io=on |"), std::string::npos);
}

TEST(MarkdownTest, MarkdownListsOnlyTheFirstTwentyFailures) {
  Report r;
  r.title = "t";
  for (int i = 0; i < 25; ++i) r.results.push_back({"s" + std::to_string(i), "p", "completed", "failed", Verdict::kFail, "", 0, {{"c", CheckStatus::kFail, "d"}}});
  const std::string md = ToMarkdown(r);
  EXPECT_NE(md.find("`s19`"), std::string::npos);
  EXPECT_EQ(md.find("`s20`"), std::string::npos);
  EXPECT_NE(md.find("and 5 more"), std::string::npos);
}

TEST(MarkdownTest, ADetailOfSeveralLinesIsANestedList) {
  Report r;
  r.title = "t";
  r.results.push_back({"exec", "strict-4k", "exit 0", "exit 0", Verdict::kFail, "", 0,
                       {{"odirect-aligned", CheckStatus::kFail, "2 violations\nwrite /a offset 0\nwrite /b offset 512"}}});
  const std::string md = ToMarkdown(r);
  EXPECT_NE(md.find("**odirect-aligned**: 2 violations\n  - write /a offset 0\n  - write /b offset 512\n"),
            std::string::npos)
      << md;
}

TEST(MarkdownTest, RunnerFailuresComeBeforeTheChecks) {
  const Report original = WithRunnerFailures();
  const std::string md = ToMarkdown(original);
  const auto exit = md.find("- `live` on `strict-4k`, **diofs-exit**: diofs exited with status 1: boom");
  const auto log = md.find("**op-log**: the log has no trailer");
  const auto check = md.find("**odirect-aligned**: write seq 9");
  ASSERT_NE(exit, std::string::npos) << md;
  EXPECT_LT(exit, log);
  EXPECT_LT(log, check);

}

// A verdict other than pass or fail says why in the table, and an error or
// an unexpected pass is listed with the failures.
TEST(MarkdownTest, VerdictReasonsAreShown) {
  Report r = Sample();
  r.results[0].verdict = Verdict::kKnownEngineBug;
  r.results[0].reason = "QEMU 10.0.2 ignores a short pwritev";
  r.results[1].verdict = Verdict::kError;
  r.results[1].reason = "interrupted by SIGINT";
  const std::string md = ToMarkdown(r);
  EXPECT_NE(md.find("| known engine bug: QEMU 10.0.2 ignores a short pwritev |"), std::string::npos) << md;
  EXPECT_NE(md.find("| **ERROR**: interrupted by SIGINT |"), std::string::npos) << md;
  EXPECT_NE(md.find("- `unaligned-pages` on `strict-4k`, **error**: interrupted by SIGINT"), std::string::npos) << md;
  EXPECT_NE(md.find("**0 passed, 0 failed, 1 known engine bug, 1 error**"), std::string::npos) << md;
}

}  // namespace
}  // namespace dioh
