// Google Benchmark JSON (--benchmark_out_format=json) as plain values: the
// machine context and one BenchRun per benchmark instance, ready to be looked
// up by name parts and parameters ("odirect_write/tmpfs/4096", threads=4).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace dioh::benchreport {

// The "context" object of one file (kernel and dioharness_build_type are
// custom context the dioharness benchmarks add).
struct BenchContext {
  std::string file;  // where it came from, e.g. "diofs_io_bench.json"
  std::string date;
  std::string host_name;
  int num_cpus = 0;
  std::vector<double> load_avg;  // 1, 5 and 15 minutes, when the run started
  std::string kernel;
  std::string build_type;
  // The median over the runs of the coefficient of variation of their
  // repetitions' real time (the "cv" aggregate, 0.05 = 5 %): how noisy the
  // machine was. Absent without repetitions.
  std::optional<double> median_cv;
};

// One benchmark instance. Its name "odirect_write/tmpfs/4096/real_time/threads:4"
// is split into `path` {"odirect_write", "tmpfs", "4096"} and `params`
// {threads: "4"}; "real_time", "manual_time" and "iterations:N" are dropped.
// With repetitions the median aggregate is used, else the mean of the runs.
struct BenchRun {
  std::string file;
  std::string name;  // run_name as in the JSON
  std::vector<std::string> path;
  std::map<std::string, std::string> params;
  double real_time_ns = 0;
  double bytes_per_second = 0;
  double items_per_second = 0;
  std::map<std::string, double> counters;  // user counters (bytes_per_record, ...)
  int samples = 0;                         // repetitions behind the figures
  // The repetitions' cv of real time (0.05 = 5 %): how far this figure can
  // be trusted. Absent without repetitions.
  std::optional<double> cv;
  std::map<std::string, double> counter_cvs;  // the same for each user counter
};

struct BenchFile {
  BenchContext context;
  std::vector<BenchRun> runs;
};

// Parses one JSON text; `file` names it in errors and in the results.
dioh::Result<BenchFile> ParseBenchJson(const std::string& file, const std::string& json_text);

// The run whose path is `path` and whose params include every entry of
// `params`, or nullptr.
const BenchRun* FindRun(const std::vector<BenchRun>& runs, const std::vector<std::string>& path,
                        const std::map<std::string, std::string>& params = {});

}  // namespace dioh::benchreport
