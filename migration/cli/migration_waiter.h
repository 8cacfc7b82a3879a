// MigrationWaiter: the CLI's edge between an engine's status listener (any
// thread) and the thread that waits for a save or load to end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "migration/qmp/migration_controller.h"

namespace dioh::migration {

class MigrationWaiter {
 public:
  StatusListener Listener();
  // Applies changes to `controller` as they come, calling `on_change` for each,
  // until the migration completes, fails or is cancelled. `stop` (set by a
  // signal handler) cancels the migration once.
  MigrationStatus WaitForEnd(MigrationController& controller, const std::atomic<bool>& stop,
                             const std::function<void(const StatusChange&)>& on_change);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<StatusChange> changes_;  // guarded by mutex_
};

}  // namespace dioh::migration
