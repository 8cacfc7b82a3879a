// `dioharness matrix`: every scenario marked "matrix": true on every profile
// preset, each expected outcome derived from the profile's rules.
#include <chrono>
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/report/merge.h"
#include "harness/runner/batch.h"
#include "harness/runner/jobs.h"
#include "harness/scenario/scenario.h"

namespace dioharness::cli {

namespace {

struct MatrixOptions {
  std::string scenario_dir;
  std::string shard = "1/1";
  std::vector<std::string> profiles;
  RunOptions run;
};

int RunMatrix(const MatrixOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto shard = dioh::ParseShard(options.shard);
  if (!shard.ok()) {
    std::cerr << "dioharness matrix: " << shard.status().message() << "\n";
    return kExitUsage;
  }
  // An unknown profile would only select nothing: name it instead.
  if (dioh::Status status = CheckProfileNames(options.profiles); !status.ok()) {
    std::cerr << "dioharness matrix: " << status.message() << "\n";
    return kExitUsage;
  }
  auto scenarios = dioh::LoadScenarioDir(options.scenario_dir);
  if (!scenarios.ok()) {
    std::cerr << "dioharness matrix: " << scenarios.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<dioh::Job> all = dioh::MatrixJobs(*scenarios);
  if (!options.profiles.empty()) {
    std::erase_if(all, [&](const dioh::Job& job) {
      return std::find(options.profiles.begin(), options.profiles.end(), job.scenario.diofs.profile) == options.profiles.end();
    });
  }
  if (all.empty()) {
    std::cerr << "dioharness matrix: no scenario in " << options.scenario_dir << " has \"matrix\": true\n";
    return kExitUsage;
  }
  const std::vector<dioh::Job> jobs = dioh::SelectShard(all, *shard);
  auto prepared = Prepare(options.run, std::cout);
  if (!prepared.ok()) {
    std::cerr << "dioharness matrix: " << prepared.status().message() << "\n";
    return kExitUsage;
  }
  dioh::Report report;
  report.title = shard->count == 1 ? "dioharness matrix" : "dioharness matrix (shard " + shard->ToString() + ")";
  report.started_at = dioh::NowIso8601();
  report.configuration = dioh::RunConfiguration(prepared->environment);
  report.configuration.emplace_back("scenarios", options.scenario_dir);
  if (shard->count > 1) report.configuration.emplace_back("shard", shard->ToString());
  std::vector<std::string> all_ids;
  for (const dioh::Job& job : all) all_ids.push_back(job.id);
  std::string profiles = options.profiles.empty() ? "every profile" : "profiles";
  for (const std::string& profile : options.profiles) profiles += " " + profile;
  report.shard = dioh::MakeShardRecord(shard->index, shard->count,
                                       "matrix of " + options.scenario_dir + " on " + profiles + " (" +
                                           std::to_string(all.size()) + " runs)",
                                       all_ids);
  const dioh::BatchRun batch = dioh::RunBatch(jobs, prepared->environment, prepared->batch);
  for (const dioh::JobRun& run : batch.runs) report.results.push_back(run.result);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Finish(report, options.run, batch.interrupted, std::cout, std::cerr);
}

}  // namespace

void RegisterMatrixCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MatrixOptions>();
  options->scenario_dir = DefaultScenarioDir();
  CLI::App* command = app.add_subcommand(
      "matrix", "Run every matrix scenario on every diofs profile; what each run must end in (completed, or the "
                "engine's error) is derived from the profile's O_DIRECT rules, not listed by hand");
  command->add_option("--scenarios", options->scenario_dir, "folder of scenario files")->type_name("DIR")->capture_default_str();
  command->add_option("--shard", options->shard,
                      "run only shard i of N (every N-th job from the i-th); join the shards' report.json "
                      "files with `dioharness merge`")
      ->type_name("I/N")
      ->capture_default_str();
  command->add_option("--profile", options->profiles, "only these profiles (repeatable; default: every profile)");
  AddRunOptions(*command, options->run, "results/matrix", "failed");
  command->footer("Exit codes: 0 every run as expected; 1 a run failed; 2 bad input; 130 interrupted.");
  command->callback([options, &exit_code] { exit_code = RunMatrix(*options); });
}

}  // namespace dioharness::cli
