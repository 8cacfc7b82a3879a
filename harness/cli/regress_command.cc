// `dioharness regress`: the clean engine must pass every check on every
// regression scenario, and every injected bug (x-inject) must be caught by
// the check the catalog names. --repeat N runs it all N times and fails any
// run whose verdicts differ between repeats.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/report/merge.h"
#include "harness/runner/batch.h"
#include "harness/runner/regress.h"
#include "harness/scenario/scenario.h"

namespace dioharness::cli {

namespace {

struct RegressOptions {
  std::string scenario_dir;
  std::string shard = "1/1";
  unsigned repeat = 1;
  RunOptions run;
};

void PrintCatalogVerdicts(const std::vector<dioh::RegressJob>& jobs, const std::vector<dioh::ScenarioResult>& results,
                          std::ostream& out) {
  out << "\n  x-inject                      must be caught by         verdict\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    char line[200];
    if (jobs[i].injected == nullptr) {
      std::snprintf(line, sizeof line, "  %-29s %-25s %s", ("(clean) " + jobs[i].job.scenario.name).c_str(),
                    "every check passes", results[i].verdict == dioh::Verdict::kPass ? "passed" : "FAILED");
    } else {
      std::snprintf(line, sizeof line, "  %-29s %-25s %s", jobs[i].injected->bug.c_str(), jobs[i].injected->check.c_str(),
                    results[i].verdict == dioh::Verdict::kPass ? "caught" : "NOT CAUGHT");
    }
    out << line << "\n";
  }
  out << "\n";
}

int RunRegress(const RegressOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto shard = dioh::ParseShard(options.shard);
  if (!shard.ok() || options.repeat < 1) {
    std::cerr << "dioharness regress: " << (shard.ok() ? "--repeat must be at least 1" : shard.status().message()) << "\n";
    return kExitUsage;
  }
  auto scenarios = dioh::LoadScenarioDir(options.scenario_dir);
  if (!scenarios.ok()) {
    std::cerr << "dioharness regress: " << scenarios.status().message() << "\n";
    return kExitUsage;
  }
  std::map<std::string, dioh::Scenario> by_name;
  for (const dioh::Scenario& scenario : *scenarios) by_name[scenario.name] = scenario;
  auto all = dioh::RegressJobs(by_name);
  if (!all.ok()) {
    std::cerr << "dioharness regress: " << all.status().message() << "\n";
    return kExitUsage;
  }
  const std::vector<dioh::RegressJob> regress_jobs = dioh::SelectShard(*all, *shard);
  std::vector<dioh::Job> jobs;
  for (const dioh::RegressJob& job : regress_jobs) jobs.push_back(job.job);

  auto prepared = Prepare(options.run, std::cout);
  if (!prepared.ok()) {
    std::cerr << "dioharness regress: " << prepared.status().message() << "\n";
    return kExitUsage;
  }
  dioh::Report report;
  report.title = shard->count == 1 ? "dioharness regress" : "dioharness regress (shard " + shard->ToString() + ")";
  report.started_at = dioh::NowIso8601();
  report.configuration = dioh::RunConfiguration(prepared->environment);
  report.configuration.emplace_back("scenarios", options.scenario_dir);
  report.configuration.emplace_back("repeat", std::to_string(options.repeat));
  if (shard->count > 1) report.configuration.emplace_back("shard", shard->ToString());
  std::vector<std::string> all_ids;
  for (const dioh::RegressJob& job : *all) all_ids.push_back(job.job.id);
  report.shard = dioh::MakeShardRecord(shard->index, shard->count,
                                       "regress of " + options.scenario_dir + " (" + std::to_string(all->size()) + " runs)",
                                       all_ids);

  // signatures[job][repeat]: the verdicts that must not change between repeats.
  std::vector<std::vector<std::string>> signatures(jobs.size());
  // details[job][repeat]: the failed checks' details, to explain a signature that changed.
  std::vector<std::vector<std::string>> details(jobs.size());
  std::vector<dioh::ScenarioResult> first;
  bool interrupted = false;
  for (unsigned repeat = 1; repeat <= options.repeat && !interrupted; ++repeat) {
    dioh::BatchOptions batch_options = prepared->batch;
    if (options.repeat > 1) batch_options.label = "repeat " + std::to_string(repeat) + "/" + std::to_string(options.repeat) + " ";
    batch_options.judge = [&regress_jobs](std::size_t i, const dioh::ScenarioResult& run) {
      return regress_jobs[i].injected == nullptr ? run : dioh::JudgeInjected(*regress_jobs[i].injected, run);
    };
    dioh::BatchRun batch = dioh::RunBatch(jobs, prepared->environment, batch_options);
    interrupted = batch.interrupted;
    for (std::size_t i = 0; i < batch.runs.size(); ++i) {
      signatures[i].push_back(dioh::VerdictSignature(batch.runs[i].result));
      std::string failed;
      for (const auto& [name, detail] : dioh::FailureLines(batch.runs[i].result)) failed += "; " + name + ": " + detail;
      details[i].push_back(failed);
      if (repeat != 1) continue;
      const dioh::RegressJob& job = regress_jobs[i];
      first.push_back(job.injected == nullptr ? batch.runs[i].result : dioh::JudgeInjected(*job.injected, batch.runs[i].result));
      first.back().scenario = job.job.id;
    }
  }
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (options.repeat > 1) {
      dioh::CheckResult same{"identical-across-repeats", dioh::CheckStatus::kPass, ""};
      for (std::size_t r = 1; r < signatures[i].size(); ++r) {
        if (signatures[i][r] == signatures[i][0]) continue;
        same.status = dioh::CheckStatus::kFail;
        same.detail = "repeat 1: " + signatures[i][0] + details[i][0] + " / repeat " + std::to_string(r + 1) + ": " +
                      signatures[i][r] + details[i][r];
        break;
      }
      if (same.status == dioh::CheckStatus::kPass) same.detail = std::to_string(signatures[i].size()) + " repeats, same verdicts";
      if (same.status == dioh::CheckStatus::kFail && first[i].verdict == dioh::Verdict::kPass) first[i].verdict = dioh::Verdict::kFail;
      first[i].checks.push_back(same);
    }
    report.results.push_back(first[i]);
  }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!options.run.quiet && !options.run.json) PrintCatalogVerdicts(regress_jobs, report.results, std::cout);
  return Finish(report, options.run, interrupted, std::cout, std::cerr);
}

}  // namespace

void RegisterRegressCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RegressOptions>();
  options->scenario_dir = DefaultScenarioDir() + "/regress";
  CLI::App* command = app.add_subcommand(
      "regress", "The regression catalog: the clean engine passes every check, and each injected bug (x-inject) "
                 "is caught by the check the catalog names");
  command->add_option("--scenarios", options->scenario_dir, "folder of the regression scenarios")->type_name("DIR")->capture_default_str();
  command->add_option("--repeat", options->repeat, "run everything N times; verdicts must be identical")
      ->capture_default_str();
  command->add_option("--shard", options->shard, "run only shard i of N; join reports with `dioharness merge`")
      ->type_name("I/N")
      ->capture_default_str();
  AddRunOptions(*command, options->run, "results/regress", "failed");
  command->footer("Exit codes: 0 every bug caught and the clean engine passed; 1 otherwise; 2 bad input; 130 interrupted.");
  command->callback([options, &exit_code] { exit_code = RunRegress(*options); });
}

}  // namespace dioharness::cli
