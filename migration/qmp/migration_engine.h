// MigrationEngine: what the QMP server and the CLI ask of a migration engine.
// The mapped-ram engine (migration/runner's MappedRamEngine over
// migration/engine) implements it; tests use tests/migration/qmp/fake_engine.h.
//
// Threads: Start*/Cancel/Progress are called from one thread (the server loop
// or the CLI). The engine may call the StatusListener from any thread, in
// order, once per change; the listener only queues (it never calls back into
// the engine or the controller).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "migration/model/direct_io.h"
#include "migration/params/file_uri.h"
#include "migration/params/migration_config.h"

namespace mrm::qmp {

// QEMU's MigrationStatus values this engine goes through (migration.json).
// kDevice: the switchover, after the last pass (migration_completion sets it
// on the way to completed).
enum class MigrationStatus { kNone, kSetup, kActive, kCompleted, kFailed, kCancelling, kCancelled, kDevice };

std::string_view MigrationStatusName(MigrationStatus status);
// setup, active, device and cancelling: a migration is in progress (migration_is_running()).
bool MigrationIsRunning(MigrationStatus status);

struct StatusChange {
  MigrationStatus status = MigrationStatus::kNone;
  std::string error_desc;  // kFailed: why, as query-migrate's "error-desc" shows it
  // Non-zero: not a change of status but a dirty-bitmap sync of a save, the
  // n-th (migration_bitmap_sync: the MIGRATION_PASS event, pass = n).
  std::uint64_t dirty_sync_count = 0;
};
using StatusListener = std::function<void(const StatusChange&)>;

// What one migration works with: the file and a snapshot of the configuration
// taken when the command was accepted (later changes do not affect it).
struct MigrationJob {
  params::MigrationUri uri;  // transport kFile
  params::CapabilitySet capabilities;
  params::MigrationParameters parameters;
  model::DirectIo direct_io;  // MigrationConfig::direct_io() at start
};

// query-migrate's "ram" member (bytes and pages so far).
struct MigrationProgress {
  std::uint64_t total_bytes = 0;
  std::uint64_t transferred_bytes = 0;
  std::uint64_t remaining_bytes = 0;
  std::uint64_t normal_pages = 0;
  std::uint64_t zero_pages = 0;
  std::uint64_t page_size = 4096;
  std::uint64_t dirty_sync_count = 0;
  double mbps = 0;  // megabits per second of the transfer (s->mbps)
  // From `migrate` (migrate_init's start_time) to now while active, to the
  // end once completed (migration_calculate_complete's total_time).
  std::optional<std::uint64_t> total_time_ms;
  std::optional<std::uint64_t> setup_time_ms;  // from `migrate` until active
};

class MigrationEngine {
 public:
  virtual ~MigrationEngine() = default;
  // Starts a save to job.uri. An error returned here either means nothing
  // started and the listener is never called (a refused job), or, when the
  // file cannot be created, that kSetup then kFailed with the same text were
  // reported first (QEMU's qmp_migrate: migrate_init, then
  // file_start_outgoing_migration fails and migrate_fd_error sets failed;
  // both events precede the error reply). Otherwise every change, from kSetup
  // to kCompleted/kFailed/kCancelled, goes through the listener. kSetup must
  // be reported before this returns, from the calling thread (QEMU's
  // migrate_init() sets it synchronously: the event precedes the reply).
  virtual dioh::Status StartOutgoing(const MigrationJob& job, StatusListener listener) = 0;
  // Starts a load from job.uri, same contract.
  virtual dioh::Status StartIncoming(const MigrationJob& job, StatusListener listener) = 0;
  // Asks a running migration to stop: the engine reports kCancelling, then
  // kCancelled (or kCompleted/kFailed if it was already finishing).
  virtual void Cancel() = 0;
  virtual MigrationProgress Progress() const = 0;
  // `mrmigrate inspect`: a human-readable account of a mapped-ram file
  // (header, blocks, bitmap and pages offsets, sections).
  virtual dioh::Result<std::string> Inspect(const params::MigrationUri& uri) const = 0;
};

}  // namespace mrm::qmp
