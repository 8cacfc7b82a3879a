// MappedRamEngine: the MigrationEngine of mrmigrate. A save fills the guest's
// RAM from the seed model and runs mrm::engine::SaveMigration; a load runs
// LoadMigration into zeroed RAM and verifies every page against the same
// model. Each runs on one worker thread (the engine starts its channel
// threads itself); kSetup is reported from the caller before Start* returns.
// A save's main file is created on the caller's thread (QEMU's main thread
// runs file_start_outgoing_migration), the save on a worker named
// "mig/src/main" (QEMU's migration thread with debug-threads), which opens
// the channel files. Where a failure happened (error_detail: channel,
// offset, ramblock) goes to `log` (stderr by default), one line each; the
// error-desc itself keeps QEMU's text.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "migration/channel/file_io.h"
#include "migration/channel/main_channel.h"
#include "migration/engine/engine_config.h"
#include "migration/model/direction.h"
#include "migration/qmp/migration_engine.h"
#include "migration/runner/cancellable_file_system.h"
#include "migration/runner/guest_spec.h"

namespace mrm::runner {

class MappedRamEngine final : public qmp::MigrationEngine {
 public:
  using Log = std::function<void(const std::string& line)>;
  MappedRamEngine(channel::FileSystem& fs, GuestSpec guest, Log log = {});
  ~MappedRamEngine() override;  // waits for the worker (a running migration is cancelled first)
  MappedRamEngine(const MappedRamEngine&) = delete;
  MappedRamEngine& operator=(const MappedRamEngine&) = delete;

  dioh::Status StartOutgoing(const qmp::MigrationJob& job, qmp::StatusListener listener) override;
  dioh::Status StartIncoming(const qmp::MigrationJob& job, qmp::StatusListener listener) override;
  void Cancel() override;
  qmp::MigrationProgress Progress() const override;
  dioh::Result<std::string> Inspect(const params::MigrationUri& uri) const override;
  // `mrmigrate inspect --json`: the same report as JSON.
  dioh::Result<std::string> InspectJson(const params::MigrationUri& uri) const;

 private:
  dioh::Status Start(model::Direction direction, const qmp::MigrationJob& job, qmp::StatusListener listener);
  void RunSave(const engine::SaveConfig& config, std::unique_ptr<channel::MainChannelWriter> main);
  void RunLoad(const engine::LoadConfig& config);
  void OnEngineStatus(const engine::MigrationStatus& status);
  void Finish(const engine::MigrationStatus& status);
  void Report(qmp::MigrationStatus status, const std::string& error_desc = "");  // mutex_ held

  channel::FileSystem& fs_;
  const GuestSpec guest_;
  const Log log_;
  std::thread worker_;
  std::atomic<bool> cancel_requested_{false};
  // fs_ as the engine sees it: every open, read and write, the main file's
  // included, fails with ECANCELED once a cancel was asked.
  CancellableFileSystem cancellable_{fs_, [this] { return cancel_requested_.load(); }};

  mutable std::mutex mutex_;
  qmp::StatusListener listener_;                           // guarded by mutex_
  qmp::MigrationStatus reported_ = qmp::MigrationStatus::kNone;  // guarded by mutex_
  engine::RamStats ram_;                         // guarded by mutex_
  bool completed_ = false;                            // guarded by mutex_
  bool outgoing_ = false;                             // guarded by mutex_
  // migrate_init's start_time; when the save became active; when it ended.
  std::chrono::steady_clock::time_point started_, activated_, ended_;  // guarded by mutex_
};

}  // namespace mrm::runner
