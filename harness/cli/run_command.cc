// `dioharness run FILE...`: each scenario file as written (its profile, its
// expected outcome).
#include <chrono>
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/runner/batch.h"
#include "harness/scenario/scenario.h"

namespace dioharness::cli {

namespace {

struct RunCommandOptions {
  std::vector<std::string> files;
  RunOptions run;
};

int RunScenarioFiles(const RunCommandOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<dioh::Job> jobs;
  for (const std::string& file : options.files) {
    auto scenario = dioh::LoadScenarioFile(file);
    if (!scenario.ok()) {
      std::cerr << "dioharness run: " << scenario.status().message() << "\n";
      return kExitUsage;
    }
    auto job = dioh::JobFromScenario(*scenario);
    if (!job.ok()) {
      std::cerr << "dioharness run: " << job.status().message() << "\n";
      return kExitUsage;
    }
    jobs.push_back(std::move(*job));
  }
  auto prepared = Prepare(options.run, std::cout);
  if (!prepared.ok()) {
    std::cerr << "dioharness run: " << prepared.status().message() << "\n";
    return kExitUsage;
  }
  dioh::Report report;
  report.title = "dioharness run";
  report.started_at = dioh::NowIso8601();
  report.configuration = dioh::RunConfiguration(prepared->environment);
  const dioh::BatchRun batch = dioh::RunBatch(jobs, prepared->environment, prepared->batch);
  for (const dioh::JobRun& run : batch.runs) report.results.push_back(run.result);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Finish(report, options.run, batch.interrupted, std::cout, std::cerr);
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run scenario files (harness/scenarios/*.json): mount diofs, save and load through the engine's QMP, "
             "check the op log, write reports");
  command->add_option("FILE", options->files, "scenario JSON files (schema: harness/scenario/SCENARIOS.md)")
      ->required()
      ->check(CLI::ExistingFile);
  AddRunOptions(*command, options->run, "results/run", "all");
  command->footer("Exit codes: 0 every scenario passed; 1 a scenario failed; 2 bad input; 130 interrupted.");
  command->callback([options, &exit_code] { exit_code = RunScenarioFiles(*options); });
}

}  // namespace dioharness::cli
