// live-passes: a live save (passes N > 1) made at least N dirty syncs, so
// every pass of the model really went through a pass of the engine. A real
// QEMU decides itself how many it makes (live_save.h): when it converged
// before the harness had written every pass, the count is not what the
// scenario asked for, and the check says so instead of passing.
#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"

namespace dioh::checks {

CheckResult CheckLivePasses(const CheckInput& input) {
  const char* name = "live-passes";
  const std::uint32_t asked = input.facts.passes;
  if (asked <= 1) return Skipped(name, "not a live save (passes 1)");
  if (!input.save.completed()) return Skipped(name, SaveDidNotComplete(input));
  const std::string asked_text = "the " + std::to_string(asked) + " passes the scenario asks for";
  const std::string total =
      input.save.dirty_syncs ? ", " + std::to_string(*input.save.dirty_syncs) + " in all" : "";
  if (input.save.syncs_at_switchover) {
    // The harness cut the save at pre-switchover: the syncs QEMU had made
    // then are those with model passes between them.
    const std::uint64_t syncs = *input.save.syncs_at_switchover;
    const std::uint32_t late = input.save.passes_written_at_switchover;
    if (syncs >= asked && late == 0) {
      return Passed(name, std::to_string(syncs) + " dirty syncs before the switchover, at least " + asked_text +
                              ": model passes 1.." + std::to_string(asked - 1) + " each written after a sync" + total);
    }
    // Either QEMU stopped iterating early, or (on a loaded machine) it
    // iterated faster than the harness wrote the passes: say which.
    const std::string why = syncs < asked ? "QEMU converged after " + std::to_string(syncs) + " dirty syncs, fewer than " +
                                                asked_text
                                          : "QEMU made " + std::to_string(syncs) +
                                                " dirty syncs, but the harness had not written every pass between two "
                                                "of them";
    return Skipped(name, why + "; the last " + std::to_string(late) + " of the " + std::to_string(asked - 1) +
                             " model passes after the first were written at the switchover, so the pass count is not "
                             "verified (RAM is still compared with the last pass)");
  }
  if (!input.save.dirty_syncs) return Skipped(name, "the engine reported no ram.dirty-sync-count in query-migrate");
  const std::uint64_t syncs = *input.save.dirty_syncs;
  if (syncs < asked) {
    return Failed(name, "the engine reported " + std::to_string(syncs) + " dirty syncs, fewer than " + asked_text);
  }
  return Passed(name, std::to_string(syncs) + " dirty syncs (query-migrate), at least " + asked_text);
}

}  // namespace dioh::checks
