// Small hand-made Google Benchmark JSON for the bench-report tests, shaped
// like what `make bench` writes (--benchmark_repetitions with
// --benchmark_report_aggregates_only: mean, median, stddev per run).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/benchreport/bench_results.h"

namespace dioh::benchreport::testing {

struct FakeRun {
  FakeRun(std::string name, int thread_count = 1, double bytes_rate = 0, double items_rate = 0,
          std::map<std::string, double> user_counters = {})
      : run_name(std::move(name)),
        threads(thread_count),
        bytes_per_second(bytes_rate),
        items_per_second(items_rate),
        counters(std::move(user_counters)) {}
  std::string run_name;  // "odirect_write/tmpfs/4096/real_time"
  int threads = 1;
  double bytes_per_second = 0;
  double items_per_second = 0;
  std::map<std::string, double> counters;
};

// The median aggregate carries the given figures; the mean and stddev carry
// others (half and a tenth), so a reader that takes the wrong one is caught.
// The cv aggregate's real_time is 0.02 (2 %), as a fraction like Google Benchmark's.
inline std::string MakeBenchJson(const std::vector<FakeRun>& runs, const std::string& kernel = "6.1.0-test") {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const FakeRun& run : runs) {
    for (const auto& [aggregate, scale] : std::vector<std::pair<std::string, double>>{
             {"mean", 0.5}, {"median", 1.0}, {"stddev", 0.1}, {"cv", 0.00002}}) {
      nlohmann::json entry = {{"name", run.run_name + "_" + aggregate}, {"run_name", run.run_name},
                              {"run_type", "aggregate"}, {"repetitions", 3}, {"threads", run.threads},
                              {"aggregate_name", aggregate}, {"iterations", 3}, {"real_time", 1000.0 * scale},
                              {"cpu_time", 900.0}, {"time_unit", "ns"}};
      if (run.bytes_per_second > 0) entry["bytes_per_second"] = run.bytes_per_second * scale;
      if (run.items_per_second > 0) entry["items_per_second"] = run.items_per_second * scale;
      for (const auto& [key, value] : run.counters) entry[key] = value * scale;
      benchmarks.push_back(entry);
    }
  }
  nlohmann::json context = {{"date", "2026-11-30T08:00:00+00:00"}, {"host_name", "vm"}, {"num_cpus", 2},
                            {"load_avg", {3.5, 2.25, 1.0}}, {"kernel", kernel},
                            {"dioharness_build_type", "Release"}};
  return nlohmann::json{{"context", context}, {"benchmarks", benchmarks}}.dump(2);
}

inline std::vector<BenchRun> ParseRuns(const std::vector<FakeRun>& runs) {
  auto file = ParseBenchJson("test.json", MakeBenchJson(runs));
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? file->runs : std::vector<BenchRun>{};
}

inline constexpr double kMiB = 1 << 20;

}  // namespace dioh::benchreport::testing
