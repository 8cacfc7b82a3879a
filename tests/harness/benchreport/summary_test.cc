#include "harness/benchreport/summary.h"

#include <gtest/gtest.h>

#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

TEST(SummaryFormat, SizesRatiosAndRates) {
  EXPECT_EQ(FormatSize("4096"), "4 KiB");
  EXPECT_EQ(FormatSize("524288"), "512 KiB");
  EXPECT_EQ(FormatSize("1048576"), "1 MiB");
  EXPECT_EQ(FormatSize("1000"), "1000 B");
  EXPECT_EQ(FormatSize("fast"), "fast");
  EXPECT_EQ(FormatRatio(3, 4), "0.75");
  EXPECT_EQ(FormatRatio(3, 0), "-");
  EXPECT_EQ(FormatRatio(0, 4), "-");
  EXPECT_EQ(FormatMiBps(1536.0 * testing::kMiB), "1536");
  EXPECT_EQ(FormatMiBps(2.5 * testing::kMiB), "2.5");
  EXPECT_EQ(FormatMiBps(0), "-");
}

TEST(SummaryGoal, SaysMetOrMissedAndByHowMuch) {
  const Goal met = CheckGoal("at least half", 0.62, 0.5, true);
  EXPECT_TRUE(met.met);
  EXPECT_EQ(met.verdict, "met: 0.62 >= 0.50");
  const Goal missed = CheckGoal("at least half", 0.42, 0.5, true);
  EXPECT_FALSE(missed.met);
  EXPECT_EQ(missed.verdict, "missed by 0.08 (0.42 < 0.50)");
  const Goal cost = CheckGoal("at most 3 %", 4.26, 3.0, false, 1);
  EXPECT_FALSE(cost.met);
  EXPECT_EQ(cost.verdict, "missed by 1.3 (4.3 > 3.0)");
  const Goal absent = CheckGoal("at most 3 %", std::nullopt, 3.0, false);
  EXPECT_FALSE(absent.met);
  EXPECT_EQ(absent.verdict, "not measured");
}

TEST(SummaryGoal, NoiseSaysWhetherAMissIsWithinTheTwoFiguresCv) {
  BenchRun a, b;
  a.cv = 0.06;
  b.cv = 0.08;  // the ratio's relative noise: sqrt(0.06^2 + 0.08^2) = 0.10
  Goal met = CheckGoal("at least half", 0.62, 0.5, true);
  NoteNoise(met, &a, &b, 0.62);
  EXPECT_EQ(met.noise, "cv of the two figures 6.0 % and 8.0 %");
  Goal near = CheckGoal("at least half", 0.46, 0.5, true);
  NoteNoise(near, &a, &b, 0.46);  // noise 0.046 > miss 0.04
  EXPECT_EQ(near.noise, "cv of the two figures 6.0 % and 8.0 %: the miss is within that noise (+/- 0.05)");
  Goal far = CheckGoal("at most 3 %", 25.0, 3.0, false, 1);
  NoteNoise(far, &a, &b, 0.75 * 100);  // a cost in %: noise 7.5 points < miss 22
  EXPECT_EQ(far.noise, "cv of the two figures 6.0 % and 8.0 %: the miss is beyond that noise (+/- 7.50)");
  Goal paired = CheckGoal("at most 3 %", 3.5, 3.0, false, 1);
  NoteRatioNoise(paired, 0.012, 0.965 * 100);  // 1.2 % of the ratio: 1.16 points > miss 0.5
  EXPECT_EQ(paired.noise, "cv of the paired ratio 1.2 %: the miss is within that noise (+/- 1.16)");
  b.cv.reset();
  Goal unrepeated = CheckGoal("at least half", 0.42, 0.5, true);
  NoteNoise(unrepeated, &a, &b, 0.42);
  EXPECT_TRUE(unrepeated.noise.empty());
}

TEST(Summary, KeepsOneMachinePerFileAndBuildsOnlyTablesWithRuns) {
  auto io = ParseBenchJson("a.json", testing::MakeBenchJson({{"BM_Other", 1, 10}}));
  ASSERT_TRUE(io.ok());
  const BenchSummary summary = Summarize({*io, *io}, {});
  EXPECT_EQ(summary.machines.size(), 2u);
  EXPECT_TRUE(summary.tables.empty());
  EXPECT_TRUE(summary.bars.empty());
}

}  // namespace
}  // namespace dioh::benchreport
