#include "harness/report/merge.h"

#include <gtest/gtest.h>

#include "tests/harness/report/report_samples.h"

namespace dioh {
namespace {

using report_test::Sample;

const std::vector<std::string> kSet = {"a@strict-4k", "b@strict-4k", "c@strict-4k", "d@strict-4k"};

// Shard `index` of 3 of kSet holding the runs `scenarios` (profile strict-4k).
NamedReport Shard(std::size_t index, std::vector<std::string> scenarios, std::size_t count = 3) {
  Report r = Sample();
  r.title = "dioharness matrix (shard " + std::to_string(index) + "/" + std::to_string(count) + ")";
  r.results.clear();
  for (const std::string& scenario : scenarios) {
    r.results.push_back(Sample().results[0]);
    r.results.back().scenario = scenario;
  }
  r.shard = MakeShardRecord(index, count, "matrix of scenarios (4 runs)", kSet);
  return {"s" + std::to_string(index) + ".json", r};
}

TEST(MergeTest, ShardRecordDigestsTheSet) {
  const ShardRecord a = MakeShardRecord(1, 2, "set", kSet);
  EXPECT_EQ(a.set_runs, 4u);
  EXPECT_EQ(a.set_digest.size(), 16u);
  EXPECT_EQ(MakeShardRecord(2, 2, "other words", kSet).set_digest, a.set_digest);
  EXPECT_NE(MakeShardRecord(1, 2, "set", {"a@strict-4k", "b@strict-4k"}).set_digest, a.set_digest);
  // Order matters: shards are cut from the set in order.
  EXPECT_NE(MakeShardRecord(1, 2, "set", {"b@strict-4k", "a@strict-4k", "c@strict-4k", "d@strict-4k"}).set_digest,
            a.set_digest);
}

TEST(MergeTest, JoinsEveryShardInOrder) {
  auto merged = MergeShards({Shard(1, {"a", "b"}), Shard(2, {"c"}), Shard(3, {"d"})}, "dioharness matrix");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->shard_count, 3u);
  EXPECT_TRUE(merged->missing_shards.empty());
  ASSERT_EQ(merged->report.results.size(), 4u);
  EXPECT_EQ(merged->report.results[2].scenario, "c");
  EXPECT_EQ(merged->report.title, "dioharness matrix");
  EXPECT_FALSE(merged->report.shard.has_value());  // the whole set again
  for (const auto& [key, value] : merged->report.configuration) {
    EXPECT_NE(key, "shard");
    if (key == "merged from") {
      EXPECT_EQ(value, "3 reports (shards 1, 2, 3 of 3 of matrix of scenarios (4 runs))");
    }
  }
}

TEST(MergeTest, KeepsEarliestStartAndSlowestWallTime) {
  NamedReport one = Shard(1, {"a"}), two = Shard(2, {"b"}), three = Shard(3, {"c", "d"});
  two.report.started_at = "2026-11-25T17:00:00Z";
  three.report.wall_seconds = 9.0;
  auto merged = MergeShards({one, two, three}, "m");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->report.started_at, "2026-11-25T17:00:00Z");
  EXPECT_EQ(merged->report.wall_seconds, 9.0);  // shards run side by side: not the sum
}

TEST(MergeTest, NamesMissingShards) {
  auto merged = MergeShards({Shard(2, {"c"})}, "m");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->missing_shards, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(ShardList(merged->missing_shards), "1, 3");
  bool said = false;
  for (const auto& [key, value] : merged->report.configuration) {
    if (key == "missing shards") said = value == "1, 3";
  }
  EXPECT_TRUE(said);
}

// The case: the same report.json given twice counted every run twice.
TEST(MergeTest, RefusesTheSameReportTwice) {
  auto merged = MergeShards({Shard(1, {"a", "b"}), Shard(1, {"a", "b"})}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("shard 1/3 given twice"), std::string::npos) << merged.status().message();

  NamedReport unsharded = Shard(1, {"a"}, 1);
  unsharded.report.shard.reset();
  merged = MergeShards({unsharded, unsharded}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("run a@strict-4k is in s1.json twice"), std::string::npos)
      << merged.status().message();
}

TEST(MergeTest, RefusesARunInTwoShards) {
  auto merged = MergeShards({Shard(1, {"a", "b"}), Shard(2, {"b", "c"})}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("run b@strict-4k is in s1.json and in s2.json"), std::string::npos)
      << merged.status().message();
}

TEST(MergeTest, RefusesShardsOfDifferentSets) {
  NamedReport other = Shard(2, {"c"});
  other.report.shard = MakeShardRecord(2, 3, "regress of regress (2 runs)", {"x@strict-4k", "y@strict-4k"});
  auto merged = MergeShards({Shard(1, {"a"}), other}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("not the same set of runs"), std::string::npos) << merged.status().message();
  EXPECT_FALSE(MergeShards({Shard(1, {"a"}), Shard(2, {"c"}, 4)}, "m").ok());  // 1/3 and 2/4

  NamedReport unsharded = Shard(2, {"c"});
  unsharded.report.shard.reset();
  merged = MergeShards({Shard(1, {"a"}), unsharded}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("s2.json is not a shard"), std::string::npos) << merged.status().message();
}

// A mrmigrate run and a QEMU run merged would read as one engine's (found
// merging a mrmigrate report with a QEMU one: "engine: mrmigrate" only).
TEST(MergeTest, RefusesReportsOfDifferentEngines) {
  NamedReport a = Shard(1, {"a"}), b = Shard(2, {"b"});
  a.report.shard.reset();
  b.report.shard.reset();
  a.report.configuration = {{"engine", "mrmigrate"}};
  b.report.configuration = {{"engine", "qemu:/usr/bin/qemu-system-x86_64"}};
  auto merged = MergeShards({a, b}, "m");
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().message(),
            "s2.json ran engine qemu:/usr/bin/qemu-system-x86_64, but s1.json ran mrmigrate: merge each engine's "
            "reports apart");
  b.report.configuration = {{"engine", "mrmigrate"}};
  EXPECT_TRUE(MergeShards({a, b}, "m").ok());
}

// Reports written before shards were recorded still merge, with nothing to
// say about missing shards.
TEST(MergeTest, UnshardedReportsMergeWithoutShardCheck) {
  NamedReport a = Shard(1, {"a"}), b = Shard(2, {"b"});
  a.report.shard.reset();
  b.report.shard.reset();
  auto merged = MergeShards({a, b}, "m");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->shard_count, 0u);
  EXPECT_TRUE(merged->missing_shards.empty());
  EXPECT_EQ(merged->report.results.size(), 2u);
}

}  // namespace
}  // namespace dioh
