#include "harness/benchreport/bench_results.h"

#include <gtest/gtest.h>

#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

using testing::FakeRun;
using testing::MakeBenchJson;

TEST(BenchResults, SplitsNameIntoPathAndParams) {
  const auto runs = testing::ParseRuns({{"save/tmpfs/direct_io:1/channels:2/iterations:1/manual_time", 1, 5e8}});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].path, (std::vector<std::string>{"save", "tmpfs"}));
  EXPECT_EQ(runs[0].params, (std::map<std::string, std::string>{{"direct_io", "1"}, {"channels", "2"}, {"threads", "1"}}));
}

TEST(BenchResults, TakesTheMedianAggregate) {
  const auto runs = testing::ParseRuns({{"odirect_write/tmpfs/4096/real_time", 4, 200.0, 50.0, {{"bytes_per_record", 80}}}});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].path, (std::vector<std::string>{"odirect_write", "tmpfs", "4096"}));
  EXPECT_EQ(runs[0].params.at("threads"), "4");
  EXPECT_DOUBLE_EQ(runs[0].bytes_per_second, 200.0);
  EXPECT_DOUBLE_EQ(runs[0].items_per_second, 50.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("bytes_per_record"), 80.0);
  EXPECT_DOUBLE_EQ(runs[0].real_time_ns, 1000.0);
  EXPECT_EQ(runs[0].samples, 3);
  ASSERT_TRUE(runs[0].cv.has_value());  // the run's own cv aggregate
  EXPECT_DOUBLE_EQ(*runs[0].cv, 0.02);
}

TEST(BenchResults, AveragesPlainRunsWithoutAggregatesAndDropsFailedOnes) {
  const std::string json = R"({"benchmarks": [
    {"name": "BM_A/8", "run_name": "BM_A/8", "run_type": "iteration", "threads": 1, "real_time": 2, "time_unit": "us", "bytes_per_second": 100},
    {"name": "BM_A/8", "run_name": "BM_A/8", "run_type": "iteration", "threads": 1, "real_time": 4, "time_unit": "us", "bytes_per_second": 300},
    {"name": "BM_B", "run_name": "BM_B", "run_type": "iteration", "error_occurred": true, "error_message": "open"}]})";
  auto file = ParseBenchJson("plain.json", json);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->runs.size(), 1u);
  EXPECT_DOUBLE_EQ(file->runs[0].bytes_per_second, 200.0);
  EXPECT_DOUBLE_EQ(file->runs[0].real_time_ns, 3000.0);
  EXPECT_EQ(file->runs[0].samples, 2);
  EXPECT_FALSE(file->runs[0].cv.has_value());  // no repetitions, no cv
  EXPECT_EQ(file->context.file, "plain.json");
}

TEST(BenchResults, ReadsTheContextWithTheCustomFields) {
  auto file = ParseBenchJson("io.json", MakeBenchJson({}, "6.18.44"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->context.num_cpus, 2);
  EXPECT_EQ(file->context.kernel, "6.18.44");
  EXPECT_EQ(file->context.build_type, "Release");
  EXPECT_EQ(file->context.load_avg, (std::vector<double>{3.5, 2.25, 1.0}));
  EXPECT_FALSE(file->context.median_cv.has_value());  // no runs, no repetitions
  auto noisy = ParseBenchJson("io.json", MakeBenchJson({{"BM_A"}, {"BM_B"}}));
  ASSERT_TRUE(noisy.ok());
  ASSERT_TRUE(noisy->context.median_cv.has_value());
  EXPECT_DOUBLE_EQ(*noisy->context.median_cv, 0.02);
}

TEST(BenchResults, RejectsWhatIsNotBenchmarkJsonNamingTheFile) {
  auto broken = ParseBenchJson("broken.json", "{\"benchmarks\": [");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.json: not valid JSON"), std::string::npos);
  auto other = ParseBenchJson("report.json", R"({"verdict": "pass"})");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("report.json: not Google Benchmark JSON"), std::string::npos);
}

TEST(BenchResults, FindRunMatchesPathAndEveryParam) {
  const auto runs = testing::ParseRuns({{"save/tmpfs/direct_io:0/channels:1/manual_time", 1, 1.0},
                                        {"save/tmpfs/direct_io:0/channels:2/manual_time", 1, 2.0},
                                        {"save/diofs/direct_io:0/channels:2/manual_time", 1, 3.0}});
  const BenchRun* run = FindRun(runs, {"save", "tmpfs"}, {{"channels", "2"}});
  ASSERT_NE(run, nullptr);
  EXPECT_DOUBLE_EQ(run->bytes_per_second, 2.0);
  EXPECT_EQ(FindRun(runs, {"save", "tmpfs"}, {{"channels", "4"}}), nullptr);
  EXPECT_EQ(FindRun(runs, {"save"}), nullptr);
}

}  // namespace
}  // namespace dioh::benchreport
