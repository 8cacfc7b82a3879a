#include "harness/benchreport/bench_results.h"

#include <algorithm>
#include <cerrno>
#include <set>
#include <nlohmann/json.hpp>

namespace dioh::benchreport {
namespace {

using nlohmann::json;

// Splits a run name on '/' into path parts and key:value parameters.
void SplitName(const std::string& name, BenchRun& run) {
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = name.find('/', begin);
    if (end == std::string::npos) end = name.size();
    const std::string part = name.substr(begin, end - begin);
    const std::size_t colon = part.find(':');
    if (colon != std::string::npos) {
      const std::string key = part.substr(0, colon);
      if (key != "iterations" && key != "min_time" && key != "repeats") run.params[key] = part.substr(colon + 1);
    } else if (!part.empty() && part != "real_time" && part != "manual_time") {
      run.path.push_back(part);
    }
    begin = end + 1;
  }
}

double NumberOr(const json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

// The fields Google Benchmark writes for every run and aggregate; anything
// else numeric is a user counter.
bool IsStandardField(const std::string& key) {
  static const char* kFields[] = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
                                  "threads", "iterations", "real_time", "cpu_time", "bytes_per_second",
                                  "items_per_second"};
  for (const char* field : kFields) {
    if (key == field) return true;
  }
  return false;
}

BenchRun RunFrom(const std::string& file, const json& entry) {
  BenchRun run;
  run.file = file;
  run.name = entry.value("run_name", entry.value("name", std::string()));
  SplitName(run.name, run);
  run.params["threads"] = std::to_string(entry.value("threads", 1));
  run.real_time_ns = NumberOr(entry, "real_time", 0);
  const std::string unit = entry.value("time_unit", std::string("ns"));
  if (unit == "us") run.real_time_ns *= 1e3;
  if (unit == "ms") run.real_time_ns *= 1e6;
  if (unit == "s") run.real_time_ns *= 1e9;
  run.bytes_per_second = NumberOr(entry, "bytes_per_second", 0);
  run.items_per_second = NumberOr(entry, "items_per_second", 0);
  for (const auto& [key, value] : entry.items()) {
    if (value.is_number() && !IsStandardField(key)) run.counters[key] = value.get<double>();
  }
  run.samples = 1;
  return run;
}

// Adds `next` into the running mean `sum` (samples counts the runs).
void Accumulate(BenchRun& sum, const BenchRun& next) {
  const double n = sum.samples;
  auto mean = [n](double a, double b) { return (a * n + b) / (n + 1); };
  sum.real_time_ns = mean(sum.real_time_ns, next.real_time_ns);
  sum.bytes_per_second = mean(sum.bytes_per_second, next.bytes_per_second);
  sum.items_per_second = mean(sum.items_per_second, next.items_per_second);
  for (auto& [key, value] : sum.counters) {
    const auto it = next.counters.find(key);
    if (it != next.counters.end()) value = mean(value, it->second);
  }
  ++sum.samples;
}

BenchContext ContextFrom(const std::string& file, const json& context) {
  BenchContext c;
  c.file = file;
  c.date = context.value("date", std::string());
  c.host_name = context.value("host_name", std::string());
  c.num_cpus = context.value("num_cpus", 0);
  c.kernel = context.value("kernel", std::string());
  c.build_type = context.value("dioharness_build_type", std::string());
  const auto load = context.find("load_avg");
  if (load != context.end() && load->is_array()) {
    for (const json& v : *load) {
      if (v.is_number()) c.load_avg.push_back(v.get<double>());
    }
  }
  return c;
}

}  // namespace

dioh::Result<BenchFile> ParseBenchJson(const std::string& file, const std::string& json_text) {
  const json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return dioh::Status::Error(EINVAL, file + ": not valid JSON");
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array()) {
    return dioh::Status::Error(EINVAL, file + ": not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  BenchFile result;
  if (document.contains("context") && document["context"].is_object()) {
    result.context = ContextFrom(file, document["context"]);
  } else {
    result.context.file = file;
  }
  std::map<std::string, BenchRun> medians, means;  // by run_name
  std::map<std::string, BenchRun> cv_aggregates;    // by run_name; their counters are the counters' cv
  std::vector<std::string> order;  // first appearance of each run_name
  std::set<std::string> seen;
  std::vector<double> cvs;
  for (const json& entry : document["benchmarks"]) {
    if (!entry.is_object() || entry.contains("error_occurred")) continue;
    BenchRun run = RunFrom(file, entry);
    if (seen.insert(run.name).second) order.push_back(run.name);
    if (entry.value("run_type", std::string("iteration")) == "aggregate") {
      if (entry.value("aggregate_name", std::string()) == "cv") {
        cvs.push_back(NumberOr(entry, "real_time", 0));  // a fraction, whatever the time unit
        run.cv = cvs.back();
        cv_aggregates[run.name] = std::move(run);
        continue;
      }
      if (entry.value("aggregate_name", std::string()) != "median") continue;
      run.samples = entry.value("repetitions", 1);
      medians[run.name] = std::move(run);
    } else if (const auto it = means.find(run.name); it != means.end()) {
      Accumulate(it->second, run);
    } else {
      means.emplace(run.name, std::move(run));
    }
  }
  if (!cvs.empty()) {
    std::sort(cvs.begin(), cvs.end());
    result.context.median_cv = cvs[cvs.size() / 2];
  }
  for (const std::string& name : order) {
    if (const auto it = medians.find(name); it != medians.end()) {
      result.runs.push_back(it->second);
      if (const auto cv = cv_aggregates.find(name); cv != cv_aggregates.end()) {
        result.runs.back().cv = cv->second.cv;
        result.runs.back().counter_cvs = cv->second.counters;
      }
    } else if (const auto mean = means.find(name); mean != means.end()) {
      result.runs.push_back(mean->second);
    }
  }
  return result;
}

const BenchRun* FindRun(const std::vector<BenchRun>& runs, const std::vector<std::string>& path,
                        const std::map<std::string, std::string>& params) {
  for (const BenchRun& run : runs) {
    if (run.path != path) continue;
    bool match = true;
    for (const auto& [key, value] : params) {
      const auto it = run.params.find(key);
      if (it == run.params.end() || it->second != value) {
        match = false;
        break;
      }
    }
    if (match) return &run;
  }
  return nullptr;
}

}  // namespace dioh::benchreport
