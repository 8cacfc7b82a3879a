#include "harness/runner/batch.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include "harness/mount/mounted_diofs.h"
#include "harness/report/report.h"
#include "harness/os/interrupt.h"

namespace dioh {

BatchRun RunBatch(const std::vector<Job>& jobs, const RunEnvironment& environment, const BatchOptions& options) {
  BatchRun batch;
  // What runs killed before they could clean up left (a mount, folders): once a process.
  static std::once_flag reaped;
  std::call_once(reaped, [&] {
    HarnessEnv& env = environment.env != nullptr ? *environment.env : HarnessEnv::Real();
    for (const std::string& line : env.ReapLeftovers()) {
      if (options.progress != nullptr) *options.progress << line << "\n";
    }
  });
  const std::string maps_dir = options.out_dir + "/maps";
  RunEnvironment job_environment = environment;
  job_environment.draw_write_map = options.write_maps != WriteMaps::kNone;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (InterruptWatcher::Instance().interrupted()) {
      batch.interrupted = true;
      break;
    }
    const std::string counter = options.label + "[" + std::to_string(i + 1) + "/" + std::to_string(jobs.size()) + "] ";
    if (options.job_started) options.job_started(counter + jobs[i].id + "  ");
    JobRun run = RunJob(jobs[i], job_environment);
    if (options.job_ended) options.job_ended();
    run.result.configuration = DescribeScenario(jobs[i].scenario);
    if (InterruptWatcher::Instance().interrupted()) batch.interrupted = true;
    const bool want_map = options.write_maps == WriteMaps::kAll ||
                          (options.write_maps == WriteMaps::kFailed && !VerdictIsSuccess(run.result.verdict));
    if (want_map && !run.write_map_svg.empty() && !options.out_dir.empty()) {
      std::error_code ignored;
      std::filesystem::create_directories(maps_dir, ignored);
      (void)WriteFileAtomically(maps_dir + "/" + jobs[i].id + ".svg", run.write_map_svg);
    }
    if (options.progress != nullptr) {
      const ScenarioResult shown = options.judge ? options.judge(i, run.result) : run.result;
      char line[256];
      std::snprintf(line, sizeof line, "%s%-44s %s  %5.1f s", counter.c_str(), jobs[i].id.c_str(),
                    std::string(VerdictWord(shown.verdict)).c_str(), shown.seconds);
      *options.progress << line << "\n";
      if (!shown.reason.empty()) *options.progress << "      " << shown.reason << "\n";
      if (shown.verdict == Verdict::kFail || shown.verdict == Verdict::kError) {
        for (const auto& [name, detail] : FailureLines(shown)) *options.progress << "      " << name << ": " << detail << "\n";
      }
      options.progress->flush();
    }
    batch.runs.push_back(std::move(run));
    if (batch.interrupted) break;
  }
  return batch;
}

std::string NowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::vector<std::pair<std::string, std::string>> RunConfiguration(const RunEnvironment& environment) {
  std::vector<std::pair<std::string, std::string>> configuration;
  configuration.emplace_back("engine", environment.engine != nullptr ? environment.engine->name() : "none");
  configuration.emplace_back("diofs", MountedDiofs::DiofsBinary());
  utsname host{};
  if (uname(&host) == 0) {
    configuration.emplace_back("machine", std::string(host.sysname) + " " + host.release + " " + host.machine + ", " +
                                              std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores");
  }
  return configuration;
}

std::string DescribeScenario(const Scenario& scenario) {
  std::string text;
  for (const auto& [name, on] : scenario.capabilities) {
    if (on) text += name + " ";
  }
  for (const auto& [name, value] : scenario.parameters.json().items()) {
    text += name + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + " ";
  }
  text += scenario.guest.ram;
  if (scenario.guest.passes > 1) text += " passes=" + std::to_string(scenario.guest.passes);
  if (scenario.uri_offset > 0) text += " offset=" + std::to_string(scenario.uri_offset);
  if (scenario.preload) text += " libdiocheck";
  if (!scenario.diofs.device.empty()) text += " device=" + scenario.diofs.device;
  if (!scenario.diofs.capacity.empty()) text += " capacity=" + scenario.diofs.capacity;
  if (!scenario.diofs.faults.empty()) text += " faults";
  return text;
}

}  // namespace dioh
