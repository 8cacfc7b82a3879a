#include "migration/cli/migration_waiter.h"

#include <chrono>

namespace dioh::migration {

StatusListener MigrationWaiter::Listener() {
  return [this](const StatusChange& change) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      changes_.push_back(change);
    }
    changed_.notify_one();
  };
}

MigrationStatus MigrationWaiter::WaitForEnd(MigrationController& controller, const std::atomic<bool>& stop,
                                            const std::function<void(const StatusChange&)>& on_change) {
  bool cancel_sent = false;
  for (;;) {
    std::deque<StatusChange> changes;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // A signal handler cannot notify a condition variable: look at `stop`
      // at least every 100 ms.
      changed_.wait_for(lock, std::chrono::milliseconds(100), [this] { return !changes_.empty(); });
      changes.swap(changes_);
    }
    for (const StatusChange& change : changes) {
      controller.OnStatusChange(change, EventTimestampNow());
      on_change(change);
      if (!MigrationIsRunning(change.status)) return change.status;
    }
    if (stop.load() && !cancel_sent) {
      cancel_sent = true;
      controller.Cancel();
    }
  }
}

}  // namespace dioh::migration
