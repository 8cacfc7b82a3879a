// MappedRamEngine: the MigrationEngine of mrmigrate. A save fills the guest's
// RAM from the seed model and runs mrm::engine::SaveMigration; a load runs
// LoadMigration into zeroed RAM and verifies every page against the same
// model. Each runs on one worker thread (the engine starts its channel
// threads itself); kSetup is reported from the caller before Start* returns.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "migration/channel/file_io.h"
#include "migration/engine/engine_config.h"
#include "migration/qmp/migration_engine.h"
#include "migration/runner/guest_spec.h"

namespace dioh::migration {

class MappedRamEngine final : public MigrationEngine {
 public:
  MappedRamEngine(mrm::channel::FileSystem& fs, GuestSpec guest) : fs_(fs), guest_(std::move(guest)) {}
  ~MappedRamEngine() override;  // waits for the worker (a running migration is cancelled first)
  MappedRamEngine(const MappedRamEngine&) = delete;
  MappedRamEngine& operator=(const MappedRamEngine&) = delete;

  Status StartOutgoing(const MigrationJob& job, StatusListener listener) override;
  Status StartIncoming(const MigrationJob& job, StatusListener listener) override;
  void Cancel() override;
  MigrationProgress Progress() const override;
  Result<std::string> Inspect(const MigrationUri& uri) const override;
  // `mrmigrate inspect --json`: the same report as JSON.
  Result<std::string> InspectJson(const MigrationUri& uri) const;

 private:
  enum class Direction { kOutgoing, kIncoming };
  Status Start(Direction direction, const MigrationJob& job, StatusListener listener);
  void RunSave(const mrm::engine::SaveConfig& config);
  void RunLoad(const mrm::engine::LoadConfig& config);
  void OnEngineStatus(const mrm::engine::MigrationStatus& status);
  void Finish(const mrm::engine::MigrationStatus& status);
  void Report(MigrationStatus status, const std::string& error_desc = "");  // mutex_ held

  mrm::channel::FileSystem& fs_;
  const GuestSpec guest_;
  std::thread worker_;
  std::atomic<bool> cancel_requested_{false};

  mutable std::mutex mutex_;
  StatusListener listener_;                           // guarded by mutex_
  MigrationStatus reported_ = MigrationStatus::kNone;  // guarded by mutex_
  mrm::engine::RamStats ram_;                         // guarded by mutex_
  bool completed_ = false;                            // guarded by mutex_
};

}  // namespace dioh::migration
