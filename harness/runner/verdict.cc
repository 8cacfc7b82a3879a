#include "harness/runner/verdict.h"

#include <algorithm>
#include <set>

#include "harness/scenario/outcome.h"

namespace dioh {
namespace {

std::string EngineAndVersion(const VerdictFacts& facts) {
  return (facts.engine_kind == "qemu" ? "QEMU" : facts.engine_kind) +
         (facts.engine_version.empty() ? "" : " " + facts.engine_version);
}

std::string Joined(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

const KnownEngineBug* ApplicableBug(const std::vector<KnownEngineBug>& bugs, const VerdictFacts& facts) {
  for (const KnownEngineBug& bug : bugs) {
    if (bug.engine != facts.engine_kind || facts.engine_version.empty()) continue;
    for (const std::string& pattern : bug.versions) {
      if (MatchesWildcard(pattern, facts.engine_version)) return &bug;
    }
  }
  return nullptr;
}

std::pair<Verdict, std::string> DecideVerdict(const ScenarioResult& result, const std::vector<KnownEngineBug>& bugs,
                                              const VerdictFacts& facts) {
  if (facts.interrupted) return {Verdict::kError, "interrupted by " + facts.interrupted_by + ": not judged"};
  for (const RunnerFailure& failure : result.runner_failures) {
    if (failure.kind == RunnerFailure::Kind::kSetup) return {Verdict::kError, "not run: " + failure.detail};
  }
  std::set<std::string> failed;
  for (const CheckResult& check : result.checks) {
    if (check.status == CheckStatus::kFail) failed.insert(check.name);
  }
  const bool runner_failed = !result.runner_failures.empty();
  const KnownEngineBug* bug = ApplicableBug(bugs, facts);
  if (bug == nullptr) return {failed.empty() && !runner_failed ? Verdict::kPass : Verdict::kFail, ""};
  const std::set<std::string> expected(bug->fails.begin(), bug->fails.end());
  if (failed.empty() && !runner_failed) {
    return {Verdict::kUnexpectedPass, "known engine bug did not show on " + EngineAndVersion(facts) + " (" +
                                          bug->summary + "): fixed there? update the scenario's known_engine_bugs"};
  }
  if (failed == expected && !runner_failed) {
    return {Verdict::kKnownEngineBug, EngineAndVersion(facts) + ": " + bug->summary};  // the verdict is "known engine bug": not repeated here
  }
  return {Verdict::kFail, "failed beyond the known engine bug: failing " + Joined(failed) + ", the bug fails " +
                              Joined(expected) + (runner_failed ? ", and the runner failed" : "")};
}

}  // namespace dioh
