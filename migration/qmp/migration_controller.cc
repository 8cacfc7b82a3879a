#include "migration/qmp/migration_controller.h"

#include <cerrno>
#include <chrono>

#include <nlohmann/json.hpp>

namespace mrm::qmp {
namespace {

constexpr const char* kMigrationActive = "There's a migration process in progress";  // QERR_MIGRATION_ACTIVE

}  // namespace

EventTimestamp EventTimestampNow() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  return {micros / 1000000, micros % 1000000};
}

params::Json MakeEvent(const std::string& name, const params::Json& data, EventTimestamp timestamp) {
  params::Json event = params::Json::object();
  event["timestamp"] = params::Json{{"seconds", timestamp.seconds}, {"microseconds", timestamp.microseconds}};
  event["event"] = name;
  event["data"] = data;
  return event;
}

dioh::Status MigrationController::SetCapabilities(const std::vector<params::CapabilityChange>& changes) {
  if (MigrationIsRunning(status_)) return dioh::Status::Error(EBUSY, kMigrationActive);
  return config_.SetCapabilities(changes);
}

dioh::Status MigrationController::SetParameters(const std::vector<params::ParameterChange>& changes) {
  return config_.SetParameters(changes);
}

dioh::Result<MigrationJob> MigrationController::PrepareJob(const std::string& uri) const {
  auto parsed = params::ParseMigrationUri(uri);
  if (!parsed.ok()) return parsed.status();
  DIOH_RETURN_IF_ERROR(config_.CheckTransport(*parsed));
  if (parsed->transport != params::Transport::kFile) {
    return dioh::Status::Error(EINVAL, "mrmigrate migrates only to and from file: URIs");
  }
  return MigrationJob{*parsed, config_.capabilities(), config_.parameters(), config_.direct_io()};
}

dioh::Status MigrationController::Migrate(const std::string& uri) {
  if (MigrationIsRunning(status_)) return dioh::Status::Error(EBUSY, kMigrationActive);
  auto job = PrepareJob(uri);
  if (!job.ok()) return job.status();
  incoming_ = false;
  return engine_.StartOutgoing(*job, listener_);
}

dioh::Status MigrationController::MigrateIncoming(const std::string& uri) {
  if (incoming_started_) {
    return dioh::Status::Error(EBUSY, "The incoming migration has already been started");
  }
  if (MigrationIsRunning(status_)) return dioh::Status::Error(EBUSY, kMigrationActive);
  auto job = PrepareJob(uri);
  if (!job.ok()) return job.status();
  incoming_ = true;
  DIOH_RETURN_IF_ERROR(engine_.StartIncoming(*job, listener_));
  incoming_started_ = true;
  return dioh::Status::Ok();
}

void MigrationController::Cancel() {
  if (MigrationIsRunning(status_)) engine_.Cancel();
}

void MigrationController::RecordStatusChange(const StatusChange& change) {
  if (change.dirty_sync_count != 0) return;  // a pass, not a change of status
  status_ = change.status;
  if (change.status == MigrationStatus::kSetup) error_desc_.clear();
  if (change.status == MigrationStatus::kFailed) error_desc_ = change.error_desc;
}

std::optional<params::Json> MigrationController::OnStatusChange(const StatusChange& change,
                                                                EventTimestamp timestamp) {
  RecordStatusChange(change);
  if (!config_.capabilities().enabled(params::Capability::kEvents)) return std::nullopt;
  if (change.dirty_sync_count != 0) {
    // migration_bitmap_sync: qapi_event_send_migration_pass(dirty_sync_count).
    return MakeEvent("MIGRATION_PASS", params::Json{{"pass", change.dirty_sync_count}}, timestamp);
  }
  return MakeEvent("MIGRATION", params::Json{{"status", std::string(MigrationStatusName(change.status))}},
                   timestamp);
}

// fill_source_migration_info: setup shows the status only; active, device,
// cancelling and completed add times (populate_time_info) and "ram"
// (populate_ram_info); failed and cancelled show the status and the error.
params::Json MigrationController::QueryMigrate() const {
  params::Json info = params::Json::object();
  if (status_ == MigrationStatus::kNone) return info;  // no migration has happened ever
  info["status"] = std::string(MigrationStatusName(status_));
  // fill_destination_migration_info: a destination shows its status only.
  const bool with_stats = !incoming_ && (status_ == MigrationStatus::kActive || status_ == MigrationStatus::kDevice ||
                          status_ == MigrationStatus::kCancelling || status_ == MigrationStatus::kCompleted);
  if (with_stats) {
    const MigrationProgress progress = engine_.Progress();
    if (progress.setup_time_ms) info["setup-time"] = *progress.setup_time_ms;
    if (progress.total_time_ms) info["total-time"] = *progress.total_time_ms;
    params::Json ram = {{"transferred", progress.transferred_bytes},
                        {"remaining", progress.remaining_bytes},
                        {"total", progress.total_bytes},
                        {"duplicate", progress.zero_pages},
                        {"normal", progress.normal_pages},
                        {"normal-bytes", progress.normal_pages * progress.page_size},
                        {"dirty-sync-count", progress.dirty_sync_count},
                        {"mbps", progress.mbps},
                        {"page-size", progress.page_size}};
    info["ram"] = std::move(ram);
  }
  if (!error_desc_.empty() && (status_ == MigrationStatus::kFailed || status_ == MigrationStatus::kCancelled)) {
    info["error-desc"] = error_desc_;
  }
  return info;
}

}  // namespace mrm::qmp
