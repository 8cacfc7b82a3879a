#include <gtest/gtest.h>

#include <algorithm>

#include "harness/benchreport/summary.h"
#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

using testing::FakeRun;
using testing::kMiB;

// 1 MiB O_DIRECT writes: tmpfs 1000 MiB/s; diofs 600 (1 thread) and 400 (4
// threads) with the log off; the log costs 2.5 % and 10 %.
std::vector<BenchRun> OneMiBWrites() {
  std::vector<FakeRun> runs;
  const double rates[][4] = {{1000, 600, 585, 300}, {1000, 400, 360, 200}};  // tmpfs, off, on, data
  const char* targets[] = {"tmpfs", "diofs_log_off", "diofs_log_on", "diofs_log_data"};
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < 4; ++i) {
      const int threads = t == 0 ? 1 : 4;  // Google Benchmark names the thread count
      runs.push_back({std::string("odirect_write/") + targets[i] + "/1048576/real_time/threads:" + std::to_string(threads), threads,
                      rates[t][i] * kMiB, rates[t][i]});
    }
  }
  runs.push_back({"odirect_read/tmpfs/4096/real_time/threads:1", 1, 40 * kMiB, 10240});
  runs.push_back({"odirect_read/diofs_log_off/4096/real_time/threads:1", 1, 10 * kMiB, 2560});
  return testing::ParseRuns(runs);
}

const Table& TableTitled(const BenchSummary& summary, const std::string& title) {
  for (const Table& table : summary.tables) {
    if (table.title == title) return table;
  }
  ADD_FAILURE() << "no table " << title;
  static const Table kNone;
  return kNone;
}

TEST(FsTables, DiofsAgainstTmpfsWithTheGoalPerThreadCount) {
  BenchSummary summary;
  AddFsTables(OneMiBWrites(), summary);
  const Table& t = TableTitled(summary, "diofs against tmpfs");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"odirect_write", "1 MiB", "1", "1000", "600", "0.60"}));
  EXPECT_EQ(t.rows[1][5], "0.40");
  EXPECT_EQ(t.rows[2], (std::vector<std::string>{"odirect_read", "4 KiB", "1", "40", "10", "0.25"}));
  ASSERT_EQ(t.goals.size(), 2u);
  EXPECT_TRUE(t.goals[0].met);
  EXPECT_FALSE(t.goals[1].met);
  EXPECT_EQ(t.goals[1].verdict, "missed by 0.10 (0.40 < 0.50)");
}

TEST(FsTables, LogCostIsOneMinusOnOverOffInPercent) {
  BenchSummary summary;
  AddFsTables(OneMiBWrites(), summary);
  const Table& t = TableTitled(summary, "op log cost through diofs");
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"odirect_write", "1 MiB", "1", "600", "585", "0.97", "300", "0.50"}));
  ASSERT_EQ(t.goals.size(), 2u);
  EXPECT_TRUE(t.goals[0].met);
  EXPECT_EQ(t.goals[0].verdict, "met: 2.5 <= 3.0");
  EXPECT_FALSE(t.goals[1].met);
  EXPECT_EQ(t.goals[1].verdict, "missed by 7.0 (10.0 > 3.0)");
}

TEST(FsTables, PairedRunsJudgeTheLogGoalWithTheRatiosOwnCv) {
  std::vector<BenchRun> runs = OneMiBWrites();
  // The fake cv aggregate carries each counter x 0.00002 (bench_json.h).
  const auto paired = testing::ParseRuns({
      {"paired_log_odirect_write/1048576/min_time:1.000/repeats:9/real_time/threads:1", 1, 0, 0,
       {{"diofs_log_off_us", 680}, {"diofs_log_on_us", 684}, {"log_on_over_off", 0.994}}},
      {"paired_log_odirect_write/1048576/min_time:1.000/repeats:9/real_time/threads:4", 4, 0, 0,
       {{"diofs_log_off_us", 1630}, {"diofs_log_on_us", 1750}, {"log_on_over_off", 0.95}}},
  });
  runs.insert(runs.end(), paired.begin(), paired.end());
  BenchSummary summary;
  AddFsTables(runs, summary);
  const Table& t = TableTitled(summary, "op log cost, paired writes");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1 MiB", "1", "680", "684", "0.994", "0.0 %"}));
  EXPECT_EQ(t.rows[1][4], "0.950");
  ASSERT_EQ(t.goals.size(), 2u);
  EXPECT_TRUE(t.goals[0].met);
  EXPECT_EQ(t.goals[0].verdict, "met: 0.6 <= 3.0");
  EXPECT_FALSE(t.goals[1].met);
  EXPECT_EQ(t.goals[1].verdict, "missed by 2.0 (5.0 > 3.0)");
  EXPECT_EQ(t.goals[1].noise, "cv of the paired ratio 0.0 %: the miss is beyond that noise (+/- 0.00)");
  // The separate runs' table keeps its figures but no longer judges the goal.
  EXPECT_TRUE(TableTitled(summary, "op log cost through diofs").goals.empty());
}

TEST(FsTables, FourKiBOpsPerSecondAndBarsForOneMiB) {
  BenchSummary summary;
  AddFsTables(OneMiBWrites(), summary);
  const Table& t = TableTitled(summary, "4 KiB operations per second");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"odirect_read", "1", "10240", "2560", "-", "-", "0.25"}));
  // 1 MiB rows only: diofs/tmpfs, log on/off, log-data/off for 1 and 4 threads.
  ASSERT_EQ(summary.bars.size(), 6u);
  EXPECT_EQ(summary.bars[0].group, "diofs / tmpfs");
  EXPECT_EQ(summary.bars[0].label, "odirect_write 1 MiB x1");
  EXPECT_DOUBLE_EQ(summary.bars[0].ratio, 0.6);
}

// passthrough_ll (libfuse's example) is the FUSE peer: ops/s of O_DIRECT
// writes, diofs with the log on against it, a goal of >= 1.0 per size and
// thread count; no table when the bench ran without the peer.
TEST(FsTables, DiofsAgainstPassthroughLlJudgesFourKiBAndOneMiB) {
  std::vector<BenchRun> runs = OneMiBWrites();
  EXPECT_EQ(std::count_if(runs.begin(), runs.end(), [](const BenchRun& r) { return r.path[1] == "passthrough_ll"; }), 0);
  BenchSummary without;
  AddFsTables(runs, without);
  for (const Table& t : without.tables) EXPECT_NE(t.title, "diofs against libfuse's passthrough_ll");
  const auto peer = testing::ParseRuns({
      {"odirect_write/passthrough_ll/1048576/real_time/threads:1", 1, 500 * kMiB, 500},
      {"odirect_write/passthrough_ll/1048576/real_time/threads:4", 4, 400 * kMiB, 400},
      {"odirect_write/diofs_log_on/4096/real_time/threads:1", 1, 80 * kMiB, 20000},
      {"odirect_write/passthrough_ll/4096/real_time/threads:1", 1, 100 * kMiB, 25000},
  });
  runs.insert(runs.end(), peer.begin(), peer.end());
  BenchSummary summary;
  AddFsTables(runs, summary);
  const Table& t = TableTitled(summary, "diofs against libfuse's passthrough_ll");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1 MiB", "1", "500", "585", "600", "1.17", "1.20"}));
  EXPECT_EQ(t.rows[1][5], "0.90");
  EXPECT_EQ(t.rows[2], (std::vector<std::string>{"4 KiB", "1", "25000", "20000", "-", "0.80", "-"}));
  ASSERT_EQ(t.goals.size(), 4u);  // 4 KiB x1, x4; 1 MiB x1, x4
  EXPECT_FALSE(t.goals[0].met);
  EXPECT_EQ(t.goals[0].verdict, "missed by 0.20 (0.80 < 1.00)");
  EXPECT_TRUE(t.goals[2].met);
  EXPECT_FALSE(t.goals[3].met);
}

// With the paired peer benchmarks in the run, the goals against the peer are
// judged on their ratio counter (and its cv), not on the separate runs'
// ops/s, which still fill their table: overwriting at 4 KiB and 1 MiB, and
// appending at 4 KiB, 1 and 4 threads each.
TEST(FsTables, PairedPeerRunsJudgeThePeerGoals) {
  std::vector<BenchRun> runs = OneMiBWrites();
  const auto separate = testing::ParseRuns({
      {"odirect_write/passthrough_ll/4096/real_time/threads:1", 1, 100 * kMiB, 25000},
      {"odirect_write/diofs_log_on/4096/real_time/threads:1", 1, 120 * kMiB, 30000},
  });
  // The fake cv aggregate carries each counter x 0.00002 (bench_json.h).
  const auto paired = testing::ParseRuns({
      {"paired_peer_odirect_overwrite/4096/min_time:0.500/repeats:9/real_time/threads:1", 1, 0, 0,
       {{"passthrough_ll_us", 31.6}, {"diofs_log_on_us", 33.9}, {"diofs_over_peer", 0.95}}},
      {"paired_peer_odirect_overwrite/4096/min_time:0.500/repeats:9/real_time/threads:4", 4, 0, 0,
       {{"passthrough_ll_us", 38.2}, {"diofs_log_on_us", 37.5}, {"diofs_over_peer", 1.02}}},
      {"paired_peer_odirect_overwrite/1048576/min_time:0.500/repeats:9/real_time/threads:1", 1, 0, 0,
       {{"passthrough_ll_us", 404.4}, {"diofs_log_on_us", 284.7}, {"diofs_over_peer", 1.41}}},
      {"paired_peer_odirect_append/4096/min_time:0.500/repeats:9/real_time/threads:4", 4, 0, 0,
       {{"passthrough_ll_us", 40.0}, {"diofs_log_on_us", 44.0}, {"diofs_over_peer", 0.91}}},
  });
  runs.insert(runs.end(), separate.begin(), separate.end());
  runs.insert(runs.end(), paired.begin(), paired.end());
  BenchSummary summary;
  AddFsTables(runs, summary);
  const Table& streamed = TableTitled(summary, "diofs against libfuse's passthrough_ll");
  EXPECT_EQ(streamed.rows.size(), 1u);  // 4 KiB x1: 1.20 there
  EXPECT_TRUE(streamed.goals.empty());
  const Table& t = TableTitled(summary, "diofs against passthrough_ll, paired writes");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"overwrite", "4 KiB", "1", "31.6", "33.9", "0.950", "0.0 %"}));
  EXPECT_EQ(t.rows[2][5], "1.410");
  EXPECT_EQ(t.rows[3], (std::vector<std::string>{"append", "4 KiB", "4", "40.0", "44.0", "0.910", "0.0 %"}));
  ASSERT_EQ(t.goals.size(), 6u);  // overwrite: 4 KiB x1, x4; 1 MiB x1, x4; append: 4 KiB x1, x4
  EXPECT_EQ(t.goals[0].text,
            "diofs (log on) matches passthrough_ll on 4 KiB O_DIRECT writes overwriting data, 1 thread");
  EXPECT_FALSE(t.goals[0].met);
  EXPECT_EQ(t.goals[0].verdict, "missed by 0.05 (0.95 < 1.00)");
  EXPECT_TRUE(t.goals[1].met);
  EXPECT_TRUE(t.goals[2].met);
  // 1 MiB x4 did not run: nothing to compare, so not met and said so.
  EXPECT_FALSE(t.goals[3].value.has_value());
  EXPECT_FALSE(t.goals[3].met);
  EXPECT_EQ(t.goals[3].verdict, "not measured");
  EXPECT_EQ(t.goals[4].text, "diofs (log on) matches passthrough_ll on 4 KiB O_DIRECT writes to new blocks, 1 thread");
  EXPECT_EQ(t.goals[4].verdict, "not measured");
  EXPECT_FALSE(t.goals[5].met);
}

TEST(FsTables, NoneWithoutFsRuns) {
  BenchSummary summary;
  AddFsTables(testing::ParseRuns({{"save/tmpfs/direct_io:0/channels:1/manual_time", 1, 1.0}}), summary);
  EXPECT_TRUE(summary.tables.empty());
}

}  // namespace
}  // namespace dioh::benchreport
