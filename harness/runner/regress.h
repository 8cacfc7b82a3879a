// The regression catalog: for every injected bug (x-inject, the one list in
// migration/model/injected_bugs.h) the scenario that lets it show and the
// check that must catch it. `dioharness regress` runs each scenario clean (it
// must pass every check) and with each of its bugs (the named check must
// fail). Pure: the catalog, the jobs, and the verdicts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/report/report.h"
#include "harness/runner/jobs.h"

namespace dioh {

struct RegressionCase {
  std::string bug;       // x-inject name
  std::string scenario;  // a scenario of harness/scenarios/regress/
  std::string check;     // the check that must fail when the bug is in
  std::string why;       // one line: how the bug shows in what the check reads
};

const std::vector<RegressionCase>& RegressionCatalog();

struct RegressJob {
  Job job;
  const RegressionCase* injected = nullptr;  // null: the clean run of job.scenario
};

// One clean job per catalog scenario (in catalog order), then one job per
// case with parameters["x-inject"] set. Fails if a scenario is missing or
// has no `expect`.
Result<std::vector<RegressJob>> RegressJobs(const std::map<std::string, Scenario>& scenarios_by_name);

// The report entry of an injected run: passed when the named check failed.
// Its only check is "caught-by-<check>"; every runner failure and every
// other check that failed is named in the outcome ("caught by
// bitmap-matches-pages; also failed: ram-equal").
ScenarioResult JudgeInjected(const RegressionCase& regression_case, const ScenarioResult& run);

// What must be identical across --repeat: the outcome status, the runner
// failures and each check's verdict, not the details (thread ids and timings differ).
std::string VerdictSignature(const ScenarioResult& result);

}  // namespace dioh
