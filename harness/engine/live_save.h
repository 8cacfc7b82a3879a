// A live save of a real QEMU whose RAM the harness writes (a scenario with
// passes > 1): QEMU decides itself how many passes it makes, so the harness
// makes it iterate and cuts exactly (research on Debian's QEMU 10.0.2, see
// ENGINES.md):
//  - parameters that make QEMU stop only after a pass that found nothing
//    dirty (a one-byte threshold: downtime-limit 1 ms at 1000 B/s) and a
//    bandwidth that makes the first pass last about half a second (a first
//    pass under 100 ms completes with no intermediate sync);
//  - the model's pass k written once QEMU reported dirty sync k
//    (MIGRATION_PASS), and between writes the keep-alive region rewritten
//    with its own content, so every pass finds something dirty;
//  - after sync N, downtime-limit 2000000 lets QEMU converge; with
//    pause-before-switchover it stops at pre-switchover with the VM halted,
//    and the final bitmap sync comes after migrate-continue: every write
//    the harness made before then is in the file, so the destination's RAM
//    must equal the model's last pass exactly, whatever QEMU did.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/status/status.h"
#include "harness/qmp/deadline.h"

namespace dioh {

class GuestSession;
class QmpClient;

// migrate-set-parameters for the live save, after the scenario's own.
nlohmann::json LiveSaveParameters(const GuestSession& guest);

struct LiveSaveEnd {
  std::string status;  // QEMU's final MIGRATION status: completed, failed, cancelled
  // ram.dirty-sync-count when QEMU stopped at pre-switchover (0: it never did).
  std::uint64_t syncs_at_switchover = 0;
  // Model passes QEMU had not picked up by then: written at the switchover.
  std::uint32_t passes_written_at_switchover = 0;
};

// From after `migrate` to QEMU's final MIGRATION event. A broken engine or
// the deadline is the Status (ETIMEDOUT for the deadline).
// `progress`, when given, is called every `progress_interval` meanwhile (the
// caller asks query-migrate there: events that arrive with its answer are
// kept for the live save).
Result<LiveSaveEnd> RunLiveSave(QmpClient& qmp, GuestSession& guest, Deadline deadline,
                                const std::function<void()>& progress = {},
                                std::chrono::milliseconds progress_interval = std::chrono::milliseconds(500));

}  // namespace dioh
