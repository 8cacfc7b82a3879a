#include "harness/runner/regress.h"

#include <cerrno>

#include <nlohmann/json.hpp>

namespace dioh {

const std::vector<RegressionCase>& RegressionCatalog() {
  // Scenarios: regress-live (strict-4k, 4 channels, direct-io, offset=4096,
  // 3 live passes with pages going data->zero, libdiocheck preloaded),
  // regress-no-multifd (direct-io requested, multifd off: not effective),
  // regress-short-write (a fault rule makes one page write short).
  static const std::vector<RegressionCase> catalog = {
      {"unaligned-pages-offset", "regress-live", "page-io-in-regions",
       "pages_offset is not rounded up to 1 MiB, so the pages regions start off the 1 MiB grid"},
      {"odirect-main-channel", "regress-live", "main-channel-buffered",
       "the main channel's open carries O_DIRECT"},
      {"ungated-direct-io", "regress-no-multifd", "odirect-iff-direct-io",
       "O_DIRECT is used although multifd is off, so direct-io is not effective"},
      {"silent-buffered-fallback", "regress-live", "odirect-iff-direct-io",
       "direct-io is effective but the channels write without O_DIRECT"},
      {"misaligned-page-buffers", "regress-live", "buffers-aligned",
       "libdiocheck reports page buffers that are not 4096-aligned in memory"},
      {"bitmap-via-odirect-channel", "regress-live", "buffers-aligned",
       "the bitmap (a few hundred bytes) goes through an O_DIRECT channel: libdiocheck refuses its length "
       "before diofs sees it (without libdiocheck, odirect-aligned catches the misaligned write)"},
      {"zero-pages-in-bitmap", "regress-live", "bitmap-matches-pages",
       "a page that went data -> zero keeps its bitmap bit"},
      {"relative-rounding", "regress-live", "page-io-in-regions",
       "with offset=4096 the regions are 1 MiB aligned relative to offset=, not in the file"},
      {"truncate-prefix", "regress-live", "prefix-intact",
       "O_TRUNC wipes the bytes before offset="},
      {"ignore-short-writes", "regress-short-write", "short-writes-noticed",
       "a short page write goes unnoticed and the save completes"},
  };
  return catalog;
}

Result<std::vector<RegressJob>> RegressJobs(const std::map<std::string, Scenario>& scenarios_by_name) {
  std::vector<RegressJob> clean, injected;
  std::map<std::string, bool> seen;
  for (const RegressionCase& c : RegressionCatalog()) {
    const auto it = scenarios_by_name.find(c.scenario);
    if (it == scenarios_by_name.end()) {
      return Status::Error(ENOENT, "regression case '" + c.bug + "' needs scenario '" + c.scenario +
                                       "', which is not among the scenarios loaded");
    }
    auto job = JobFromScenario(it->second);
    if (!job.ok()) return job.status();
    if (!seen[c.scenario]) {
      seen[c.scenario] = true;
      job->id = c.scenario;
      clean.push_back({*job, nullptr});
    }
    Job bugged = *job;
    bugged.scenario.parameters.json()["x-inject"] = nlohmann::json::array({c.bug});  // QEMU-style: a list of names
    bugged.id = c.scenario + "+" + c.bug;
    injected.push_back({std::move(bugged), &c});
  }
  clean.insert(clean.end(), injected.begin(), injected.end());
  return clean;
}

ScenarioResult JudgeInjected(const RegressionCase& regression_case, const ScenarioResult& run) {
  ScenarioResult judged = run;
  judged.scenario = run.scenario + " x-inject=" + regression_case.bug;
  judged.expected = "caught by " + regression_case.check;
  CheckResult verdict{"caught-by-" + regression_case.check, CheckStatus::kFail,
                      regression_case.check + " did not fail: " + regression_case.why};
  std::string also;
  for (const RunnerFailure& failure : run.runner_failures) {
    also += (also.empty() ? "" : ", ") + std::string(RunnerFailureName(failure.kind));
  }
  for (const CheckResult& check : run.checks) {
    if (check.status != CheckStatus::kFail) continue;
    if (check.name == regression_case.check) {
      verdict.status = CheckStatus::kPass;
      verdict.detail = check.detail;
    } else {
      also += (also.empty() ? "" : ", ") + check.name;
    }
  }
  const bool caught = verdict.status == CheckStatus::kPass;
  judged.outcome = caught ? "caught by " + regression_case.check : "NOT caught by " + regression_case.check;
  if (!also.empty()) judged.outcome += "; also failed: " + also;
  judged.outcome += " (engine: " + run.outcome + ")";
  judged.verdict = caught ? Verdict::kPass : Verdict::kFail;
  judged.runner_failures.clear();  // named in the outcome ("also failed: diofs-exit")
  judged.checks = {verdict};
  return judged;
}

std::string VerdictSignature(const ScenarioResult& result) {
  std::string signature = result.scenario + "@" + result.profile + " " + std::string(VerdictName(result.verdict));
  // The outcome up to its first ':' (the status, not the text that names paths or threads).
  const std::string status = result.outcome.substr(0, result.outcome.find(':'));
  signature += " [" + status + "]";
  for (const RunnerFailure& failure : result.runner_failures) signature += " " + std::string(RunnerFailureName(failure.kind)) + "=FAIL";
  for (const CheckResult& check : result.checks) {
    signature += " " + check.name + (check.status == CheckStatus::kFail ? "=FAIL" : "=" + std::string(CheckStatusName(check.status)));
  }
  return signature;
}

}  // namespace dioh
