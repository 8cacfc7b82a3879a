// The verdict of a run, decided once from what it left: its checks, what kept
// the runner from judging it, and the known engine bugs its scenario names
// for the engine that ran it. Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/report/report.h"
#include "harness/scenario/scenario.h"

namespace dioh {

struct VerdictFacts {
  std::string engine_kind;     // "qemu", "mrmigrate"
  std::string engine_version;  // "10.0.2" ("" when the engine did not start)
  bool interrupted = false;
  std::string interrupted_by;  // "signal 2 (SIGINT)"
};

// The known bug of `bugs` that applies to this engine and version, or null.
const KnownEngineBug* ApplicableBug(const std::vector<KnownEngineBug>& bugs, const VerdictFacts& facts);

// pass, fail, error (interrupted, or a setup failure: nothing was judged),
// known-engine-bug (the applicable bug's checks failed, and only they) or
// unexpected-pass (it did not show), with the reason a report prints.
std::pair<Verdict, std::string> DecideVerdict(const ScenarioResult& result, const std::vector<KnownEngineBug>& bugs,
                                              const VerdictFacts& facts);

}  // namespace dioh
