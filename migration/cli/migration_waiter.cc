#include "migration/cli/migration_waiter.h"

#include <chrono>

namespace mrm::cli {

qmp::StatusListener MigrationWaiter::Listener() {
  return [this](const qmp::StatusChange& change) {
    // Notified under the lock: WaitForEnd cannot see the last change (and
    // its caller destroy this waiter) before notify_one has returned. Unlocked
    // first, the engine's thread could signal a destroyed condition variable
    // (ThreadSanitizer: pthread_cond_destroy against pthread_cond_signal).
    std::lock_guard<std::mutex> lock(mutex_);
    changes_.push_back(change);
    changed_.notify_one();
  };
}

qmp::MigrationStatus MigrationWaiter::WaitForEnd(qmp::MigrationController& controller, const std::atomic<bool>& stop,
                                            const std::function<void(const qmp::StatusChange&)>& on_change) {
  bool cancel_sent = false;
  for (;;) {
    std::deque<qmp::StatusChange> changes;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // A signal handler cannot notify a condition variable: look at `stop`
      // at least every 100 ms.
      changed_.wait_for(lock, std::chrono::milliseconds(100), [this] { return !changes_.empty(); });
      changes.swap(changes_);
    }
    for (const qmp::StatusChange& change : changes) {
      controller.RecordStatusChange(change);
      on_change(change);
      if (!qmp::MigrationIsRunning(change.status)) return change.status;
    }
    if (stop.load() && !cancel_sent) {
      cancel_sent = true;
      controller.Cancel();
    }
  }
}

}  // namespace mrm::cli
