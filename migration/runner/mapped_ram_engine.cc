#include "migration/runner/mapped_ram_engine.h"

#include <cerrno>

#include "migration/engine/inspect_file.h"
#include "migration/engine/load.h"
#include "migration/engine/save.h"
#include "migration/format/inspect.h"
#include "migration/runner/cancellable_file_system.h"
#include "migration/runner/job_config.h"

namespace dioh::migration {

MappedRamEngine::~MappedRamEngine() {
  Cancel();
  if (worker_.joinable()) worker_.join();
}

Status MappedRamEngine::StartOutgoing(const MigrationJob& job, StatusListener listener) {
  return Start(Direction::kOutgoing, job, std::move(listener));
}

Status MappedRamEngine::StartIncoming(const MigrationJob& job, StatusListener listener) {
  return Start(Direction::kIncoming, job, std::move(listener));
}

Status MappedRamEngine::Start(Direction direction, const MigrationJob& job, StatusListener listener) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (MigrationIsRunning(reported_)) return Status::Error(EBUSY, "a migration is already running");
  }
  // The previous worker reported its end; all that is left is its return.
  if (worker_.joinable()) worker_.join();

  Result<mrm::engine::SaveConfig> save = mrm::engine::SaveConfig{};
  Result<mrm::engine::LoadConfig> load = mrm::engine::LoadConfig{};
  if (direction == Direction::kOutgoing) {
    save = ToSaveConfig(job, guest_);
    if (!save.ok()) return save.status();
  } else {
    load = ToLoadConfig(job, guest_);
    if (!load.ok()) return load.status();
  }

  std::lock_guard<std::mutex> lock(mutex_);
  listener_ = std::move(listener);
  cancel_requested_.store(false);
  ram_ = {};
  completed_ = false;
  // QEMU's migrate_init(): the setup state is set before the command replies.
  Report(MigrationStatus::kSetup);
  if (direction == Direction::kOutgoing) {
    worker_ = std::thread([this, config = std::move(*save)] { RunSave(config); });
  } else {
    worker_ = std::thread([this, config = std::move(*load)] { RunLoad(config); });
  }
  return Status::Ok();
}

void MappedRamEngine::RunSave(const mrm::engine::SaveConfig& config) {
  auto ram = mrm::ram::HostRam::Allocate(guest_.blocks);
  if (!ram.ok()) return Finish({mrm::engine::MigrationState::kFailed, ram.status().message(), {}});
  ram->ApplyPass(config.content, 0);
  CancellableFileSystem fs(fs_, [this] { return cancel_requested_.load(); });
  Finish(mrm::engine::SaveMigration(fs, *ram, config,
                                    [this](const mrm::engine::MigrationStatus& s) { OnEngineStatus(s); }));
}

void MappedRamEngine::RunLoad(const mrm::engine::LoadConfig& config) {
  // Allocate() zero-fills: pages whose bitmap bit is clear stay zero.
  auto ram = mrm::ram::HostRam::Allocate(guest_.blocks);
  if (!ram.ok()) return Finish({mrm::engine::MigrationState::kFailed, ram.status().message(), {}});
  CancellableFileSystem fs(fs_, [this] { return cancel_requested_.load(); });
  Finish(mrm::engine::LoadMigration(fs, *ram, config,
                                    [this](const mrm::engine::MigrationStatus& s) { OnEngineStatus(s); }));
}

// The engine's intermediate states; its final one comes back as the return
// value of Save/LoadMigration and goes through Finish() exactly once.
void MappedRamEngine::OnEngineStatus(const mrm::engine::MigrationStatus& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ram_ = status.ram;
  if (status.state == mrm::engine::MigrationState::kActive && reported_ == MigrationStatus::kSetup) {
    Report(MigrationStatus::kActive);
  }
}

void MappedRamEngine::Finish(const mrm::engine::MigrationStatus& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ram_ = status.ram;
  if (status.state == mrm::engine::MigrationState::kCompleted) {
    completed_ = true;
    Report(MigrationStatus::kCompleted);
  } else if (cancel_requested_.load()) {
    Report(MigrationStatus::kCancelled);
  } else {
    Report(MigrationStatus::kFailed, status.error_desc);
  }
}

void MappedRamEngine::Report(MigrationStatus status, const std::string& error_desc) {
  reported_ = status;
  if (listener_) listener_(StatusChange{status, error_desc});
}

void MappedRamEngine::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!MigrationIsRunning(reported_) || reported_ == MigrationStatus::kCancelling) return;
  cancel_requested_.store(true);
  Report(MigrationStatus::kCancelling);
}

MigrationProgress MappedRamEngine::Progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  MigrationProgress progress;
  progress.page_size = mrm::ram::kPageSize;
  progress.total_bytes = ram_.total;
  progress.transferred_bytes = ram_.transferred;
  progress.normal_pages = ram_.normal_pages;
  progress.zero_pages = ram_.zero_pages;
  const std::uint64_t done = (ram_.normal_pages + ram_.zero_pages) * mrm::ram::kPageSize;
  progress.remaining_bytes = completed_ || done >= ram_.total ? 0 : ram_.total - done;
  if (completed_) progress.total_time_ms = static_cast<std::uint64_t>(ram_.elapsed_seconds * 1000.0);
  return progress;
}

Result<std::string> MappedRamEngine::Inspect(const MigrationUri& uri) const {
  auto report = mrm::engine::InspectFile(fs_, uri.path, uri.offset);
  if (!report.ok()) return report.status();
  return mrm::format::RenderInspectText(*report);
}

Result<std::string> MappedRamEngine::InspectJson(const MigrationUri& uri) const {
  auto report = mrm::engine::InspectFile(fs_, uri.path, uri.offset);
  if (!report.ok()) return report.status();
  return mrm::format::RenderInspectJson(*report);
}

}  // namespace dioh::migration
