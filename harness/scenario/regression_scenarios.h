// The regression catalog's scenarios: for every injected bug (x-inject), the
// scenario whose settings let the bug show, and what the clean engine does on
// it. `dioharness regress` runs each twice: clean (every check must pass and
// the outcome be `expect`) and with the bug injected (a named check must fail).
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/scenario.h"
#include "migration/params/injected_bugs.h"

namespace dioh {

struct RegressionCase {
  migration::InjectedBug bug;
  std::string bug_name;  // the x-inject name
  std::string shows_as;  // what the bug does on this scenario, for people
  Scenario clean;        // no x-inject; `expect` is the clean engine's outcome
};

// One case per InjectedBug, in InjectedBug order; scenario names are
// "regress-<bug name>".
std::vector<RegressionCase> RegressionScenarios();

// The case's scenario with the bug injected ("x-inject": [bug_name]) and no
// expected outcome: the checks, not the outcome, must catch it.
Scenario WithInjectedBug(const RegressionCase& regression_case);

}  // namespace dioh
