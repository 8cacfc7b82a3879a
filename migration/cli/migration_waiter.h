// MigrationWaiter: the CLI's edge between an engine's status listener (any
// thread) and the thread that waits for a save or load to end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "migration/qmp/migration_controller.h"

namespace mrm::cli {

class MigrationWaiter {
 public:
  // The listener to hand to the engine. Once WaitForEnd has returned, the
  // waiter may be destroyed even while the engine's thread is still
  // unwinding from the call that reported the end.
  qmp::StatusListener Listener();
  // Applies changes to `controller` as they come, calling `on_change` for each,
  // until the migration completes, fails or is cancelled. `stop` (set by a
  // signal handler) cancels the migration once.
  qmp::MigrationStatus WaitForEnd(qmp::MigrationController& controller, const std::atomic<bool>& stop,
                             const std::function<void(const qmp::StatusChange&)>& on_change);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<qmp::StatusChange> changes_;  // guarded by mutex_
};

}  // namespace mrm::cli
