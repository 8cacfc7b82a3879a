// Running a list of jobs the way people and CI want to watch it: one progress
// line per job ("[3/14] fallback-no-mapped-ram@strict-4k  PASS  1.2 s"), a
// summary at the end, write maps saved beside the report, and a stop after
// Ctrl-C (the job in flight unwinds; the rest are not started).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/report/report.h"
#include "harness/runner/scenario_runner.h"

namespace dioh {

enum class WriteMaps { kAll, kFailed, kNone };

struct BatchOptions {
  std::ostream* progress = nullptr;  // null: silent (--quiet, --json)
  std::string out_dir;               // write maps go to out_dir/maps/<id>.svg
  WriteMaps write_maps = WriteMaps::kFailed;
  std::string label;                 // prefix of progress lines ("repeat 2/3 ")
  // What a run's progress line judges (regress: an injected run passes when
  // its bug is caught). Null: the run's own verdict.
  std::function<ScenarioResult(std::size_t job_index, const ScenarioResult& run)> judge;
  // Around each job, before its progress line (a live progress display
  // names the job, then clears its line).
  std::function<void(const std::string& label)> job_started;
  std::function<void()> job_ended;
};

struct BatchRun {
  std::vector<JobRun> runs;  // in job order; fewer than the jobs when interrupted
  bool interrupted = false;
};

BatchRun RunBatch(const std::vector<Job>& jobs, const RunEnvironment& environment, const BatchOptions& options);

// "2026-11-30T07:40:00Z"
std::string NowIso8601();
// How this run was made, for Report::configuration: engine, diofs binary, machine (kernel, cores).
std::vector<std::pair<std::string, std::string>> RunConfiguration(const RunEnvironment& environment);
// One line of the scenario's capabilities, parameters and guest, for ScenarioResult::configuration.
std::string DescribeScenario(const Scenario& scenario);

}  // namespace dioh
