#include "migration/runner/mapped_ram_engine.h"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "migration/engine/inspect_file.h"
#include "migration/engine/load.h"
#include "migration/engine/save.h"
#include "migration/format/inspect.h"
#include "migration/runner/cancellable_file_system.h"
#include "migration/runner/job_config.h"

namespace mrm::runner {

namespace {

constexpr const char* kMigrationThreadName = "mig/src/main";  // MIGRATION_THREAD_SRC_MAIN

void LogToStderr(const std::string& line) { std::fprintf(stderr, "mrmigrate: %s\n", line.c_str()); }

std::uint64_t Milliseconds(std::chrono::steady_clock::duration d) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

MappedRamEngine::MappedRamEngine(channel::FileSystem& fs, GuestSpec guest, Log log)
    : fs_(fs), guest_(std::move(guest)), log_(log ? std::move(log) : Log(LogToStderr)) {}

MappedRamEngine::~MappedRamEngine() {
  Cancel();
  if (worker_.joinable()) worker_.join();
}

dioh::Status MappedRamEngine::StartOutgoing(const qmp::MigrationJob& job, qmp::StatusListener listener) {
  return Start(model::Direction::kOutgoing, job, std::move(listener));
}

dioh::Status MappedRamEngine::StartIncoming(const qmp::MigrationJob& job, qmp::StatusListener listener) {
  return Start(model::Direction::kIncoming, job, std::move(listener));
}

dioh::Status MappedRamEngine::Start(model::Direction direction, const qmp::MigrationJob& job,
                                    qmp::StatusListener listener) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (qmp::MigrationIsRunning(reported_)) return dioh::Status::Error(EBUSY, "a migration is already running");
  }
  // The previous worker reported its end; all that is left is its return.
  if (worker_.joinable()) worker_.join();

  dioh::Result<engine::SaveConfig> save = engine::SaveConfig{};
  dioh::Result<engine::LoadConfig> load = engine::LoadConfig{};
  if (direction == model::Direction::kOutgoing) {
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
  outgoing_ = direction == model::Direction::kOutgoing;
  started_ = activated_ = ended_ = std::chrono::steady_clock::now();
  // QEMU's migrate_init(): the setup state is set before the command replies.
  Report(qmp::MigrationStatus::kSetup);
  if (direction == model::Direction::kOutgoing) {
    // file_start_outgoing_migration runs in qmp_migrate: a file that cannot
    // be created fails the command itself (migrate_fd_error: failed, then
    // the error reply).
    auto main = engine::StartOutgoingFile(cancellable_, *save);
    if (!main.ok()) {
      Report(qmp::MigrationStatus::kFailed, main.status().message());
      return main.status();
    }
    worker_ = std::thread([this, config = std::move(*save), main = std::move(*main)]() mutable {
      ::pthread_setname_np(::pthread_self(), kMigrationThreadName);
      RunSave(config, std::move(main));
    });
  } else {
    worker_ = std::thread([this, config = std::move(*load)] { RunLoad(config); });
  }
  return dioh::Status::Ok();
}

void MappedRamEngine::RunSave(const engine::SaveConfig& config, std::unique_ptr<channel::MainChannelWriter> main) {
  auto ram = ram::HostRam::Allocate(guest_.blocks);
  if (!ram.ok()) return Finish({engine::MigrationState::kFailed, ram.status().message(), {}, {}});
  ram->ApplyPass(config.content, 0);
  Finish(engine::SaveMigration(cancellable_, *ram, config, std::move(main),
                               [this](const engine::MigrationStatus& s) { OnEngineStatus(s); }));
}

void MappedRamEngine::RunLoad(const engine::LoadConfig& config) {
  // Allocate() zero-fills: pages whose bitmap bit is clear stay zero.
  auto ram = ram::HostRam::Allocate(guest_.blocks);
  if (!ram.ok()) return Finish({engine::MigrationState::kFailed, ram.status().message(), {}, {}});
  Finish(engine::LoadMigration(cancellable_, *ram, config,
                                    [this](const engine::MigrationStatus& s) { OnEngineStatus(s); }));
}

// The engine's intermediate states; its final one comes back as the return
// value of Save/LoadMigration and goes through Finish() exactly once.
void MappedRamEngine::OnEngineStatus(const engine::MigrationStatus& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t synced_before = ram_.dirty_sync_count;
  ram_ = status.ram;
  // A save's dirty syncs are MIGRATION_PASS events (a load has none).
  if (outgoing_ && listener_ && status.ram.dirty_sync_count > synced_before) {
    listener_(qmp::StatusChange{reported_, "", status.ram.dirty_sync_count});
  }
  if (status.state == engine::MigrationState::kActive && reported_ == qmp::MigrationStatus::kSetup) {
    activated_ = std::chrono::steady_clock::now();
    Report(qmp::MigrationStatus::kActive);
  }
  if (status.state == engine::MigrationState::kDevice && reported_ == qmp::MigrationStatus::kActive) {
    Report(qmp::MigrationStatus::kDevice);
  }
}

void MappedRamEngine::Finish(const engine::MigrationStatus& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ram_ = status.ram;
  ended_ = std::chrono::steady_clock::now();
  if (status.state == engine::MigrationState::kCompleted) {
    completed_ = true;
    Report(qmp::MigrationStatus::kCompleted);
  } else if (cancel_requested_.load()) {
    Report(qmp::MigrationStatus::kCancelled);
  } else {
    // Where it failed, which error-desc (QEMU's text) does not say.
    std::size_t from = 0;
    while (from < status.error_detail.size()) {
      const std::size_t end = std::min(status.error_detail.find('\n', from), status.error_detail.size());
      log_(status.error_detail.substr(from, end - from));
      from = end + 1;
    }
    Report(qmp::MigrationStatus::kFailed, status.error_desc);
  }
}

void MappedRamEngine::Report(qmp::MigrationStatus status, const std::string& error_desc) {
  reported_ = status;
  if (listener_) listener_(qmp::StatusChange{status, error_desc});
}

void MappedRamEngine::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!qmp::MigrationIsRunning(reported_) || reported_ == qmp::MigrationStatus::kCancelling) return;
  cancel_requested_.store(true);
  Report(qmp::MigrationStatus::kCancelling);
}

qmp::MigrationProgress MappedRamEngine::Progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  qmp::MigrationProgress progress;
  progress.page_size = ram::kPageSize;
  progress.total_bytes = ram_.total;
  progress.transferred_bytes = ram_.transferred;
  progress.normal_pages = ram_.normal_pages;
  progress.zero_pages = ram_.zero_pages;
  progress.dirty_sync_count = ram_.dirty_sync_count;
  const std::uint64_t done = (ram_.normal_pages + ram_.zero_pages) * ram::kPageSize;
  progress.remaining_bytes = completed_ || done >= ram_.total ? 0 : ram_.total - done;
  if (reported_ == qmp::MigrationStatus::kActive || reported_ == qmp::MigrationStatus::kDevice ||
      reported_ == qmp::MigrationStatus::kCancelling || completed_) {
    // populate_time_info: now - start_time while it runs, total_time once
    // completed; mbps over the time after setup (migration_calculate_complete).
    const auto end = completed_ ? ended_ : std::chrono::steady_clock::now();
    const std::uint64_t total = Milliseconds(end - started_);
    const std::uint64_t setup = Milliseconds(activated_ - started_);
    progress.total_time_ms = total;
    progress.setup_time_ms = setup;
    if (total > setup) progress.mbps = static_cast<double>(ram_.transferred) * 8.0 / static_cast<double>(total - setup) / 1000.0;
  }
  return progress;
}

dioh::Result<std::string> MappedRamEngine::Inspect(const params::MigrationUri& uri) const {
  auto report = engine::InspectFile(fs_, uri.path, uri.offset);
  if (!report.ok()) return report.status();
  return format::RenderInspectText(*report);
}

dioh::Result<std::string> MappedRamEngine::InspectJson(const params::MigrationUri& uri) const {
  auto report = engine::InspectFile(fs_, uri.path, uri.offset);
  if (!report.ok()) return report.status();
  return format::RenderInspectJson(*report);
}

}  // namespace mrm::runner
