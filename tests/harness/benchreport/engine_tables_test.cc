#include <gtest/gtest.h>

#include "harness/benchreport/summary.h"
#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

using testing::FakeRun;
using testing::kMiB;

FakeRun Engine(const std::string& op, const std::string& target, int direct_io, int channels, double mib_per_s) {
  return {op + "/" + target + "/direct_io:" + std::to_string(direct_io) + "/channels:" + std::to_string(channels) +
              "/iterations:1/manual_time",
          1, mib_per_s * kMiB};
}

// Save to tmpfs scales with buffered I/O (1.5x) but not with direct-io (0.9x).
std::vector<BenchRun> EngineRuns() {
  return testing::ParseRuns({Engine("save", "tmpfs", 0, 1, 1000), Engine("save", "tmpfs", 0, 2, 1500),
                             Engine("save", "tmpfs", 0, 4, 1600), Engine("save", "tmpfs", 1, 1, 1000),
                             Engine("save", "tmpfs", 1, 2, 900), Engine("save", "diofs", 0, 1, 250),
                             Engine("load", "tmpfs", 0, 1, 2000)});
}

TEST(EngineTables, ChannelScalingWithTheGoalPerDirectIo) {
  BenchSummary summary;
  AddEngineTables(EngineRuns(), summary);
  ASSERT_EQ(summary.tables.size(), 2u);
  const Table& t = summary.tables[0];
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"save", "tmpfs", "off", "1000", "1500", "1600", "1.50", "1.60"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"save", "tmpfs", "on", "1000", "900", "-", "0.90", "-"}));
  EXPECT_EQ(t.rows[2][1], "diofs");
  EXPECT_EQ(t.rows[3][0], "load");
  ASSERT_EQ(t.goals.size(), 2u);
  EXPECT_TRUE(t.goals[0].met);
  EXPECT_EQ(t.goals[0].verdict, "met: 1.50 >= 1.00");
  EXPECT_FALSE(t.goals[1].met);
  EXPECT_EQ(t.goals[1].verdict, "missed by 0.10 (0.90 < 1.00)");
}

TEST(EngineTables, DiofsAgainstTmpfsPerChannelCount) {
  BenchSummary summary;
  AddEngineTables(EngineRuns(), summary);
  const Table& t = summary.tables[1];
  ASSERT_FALSE(t.rows.empty());
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"save", "off", "1", "1000", "250", "0.25"}));
  bool found = false;
  for (const RatioBar& bar : summary.bars) {
    if (bar.group == "engine diofs / tmpfs") {
      found = true;
      EXPECT_EQ(bar.label, "save dio off 1 ch");
      EXPECT_DOUBLE_EQ(bar.ratio, 0.25);
    }
  }
  EXPECT_TRUE(found);
}

TEST(EngineTables, NoneWithoutEngineRuns) {
  BenchSummary summary;
  AddEngineTables(testing::ParseRuns({{"odirect_write/tmpfs/4096/real_time", 1, 1.0}}), summary);
  EXPECT_TRUE(summary.tables.empty());
}

}  // namespace
}  // namespace dioh::benchreport
