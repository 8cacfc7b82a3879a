// MigrationController: the migration state one mrmigrate process holds, shared
// by every QMP connection and the CLI (QEMU's MigrationState): configuration,
// status, and the engine. It applies QEMU's rules for starting, cancelling and
// reconfiguring, and turns engine status changes into MIGRATION events.
// Thread-free: status changes arrive through OnStatusChange, called by the
// owner on its own thread (the engine's listener only queues them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/params/migration_config.h"
#include "migration/params/param_json.h"
#include "migration/qmp/migration_engine.h"

namespace mrm::qmp {

// Wall-clock time of an event: QEMU's {"seconds": S, "microseconds": U}.
struct EventTimestamp {
  std::int64_t seconds = 0;
  std::int64_t microseconds = 0;
};
EventTimestamp EventTimestampNow();

// {"timestamp": {...}, "event": NAME, "data": DATA} as QEMU emits it.
params::Json MakeEvent(const std::string& name, const params::Json& data, EventTimestamp timestamp);

class MigrationController {
 public:
  // `listener` is handed to the engine for every start; the owner routes what
  // it receives back to OnStatusChange.
  MigrationController(MigrationEngine& engine, StatusListener listener, params::BuildFeatures features = {})
      : engine_(engine), listener_(std::move(listener)), config_(features) {}

  const params::MigrationConfig& config() const { return config_; }
  MigrationStatus status() const { return status_; }
  const std::string& error_desc() const { return error_desc_; }

  // qmp_migrate_set_capabilities(): refused while a migration runs.
  dioh::Status SetCapabilities(const std::vector<params::CapabilityChange>& changes);
  // qmp_migrate_set_parameters().
  dioh::Status SetParameters(const std::vector<params::ParameterChange>& changes);

  // qmp_migrate() / qmp_migrate_incoming() with a URI.
  dioh::Status Migrate(const std::string& uri);
  dioh::Status MigrateIncoming(const std::string& uri);
  // qmp_migrate_cancel(): a no-op when nothing runs.
  void Cancel();

  // Records a change reported by the engine (the CLI: no client, no events).
  void RecordStatusChange(const StatusChange& change);
  // Records it, then returns the MIGRATION event to send, if the `events`
  // capability asks for events (migrate_generate_event()).
  std::optional<params::Json> OnStatusChange(const StatusChange& change, EventTimestamp timestamp);

  // query-migrate's reply: {} before any migration, then status and progress.
  params::Json QueryMigrate() const;

 private:
  dioh::Result<MigrationJob> PrepareJob(const std::string& uri) const;

  MigrationEngine& engine_;
  StatusListener listener_;
  params::MigrationConfig config_;
  MigrationStatus status_ = MigrationStatus::kNone;
  std::string error_desc_;
  bool incoming_started_ = false;
  bool incoming_ = false;  // the last migration started was a load
};

}  // namespace mrm::qmp
