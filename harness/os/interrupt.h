// Ctrl-C for long runs. SIGINT and SIGTERM are blocked in every thread and
// taken by one watcher thread, which marks the run interrupted and SIGKILLs
// the process group of every engine registered as live. Their QMP waits then
// fail at once, the runner unwinds, and its destructors unmount diofs and
// remove the temporary folders: nothing is left mounted or running.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <set>

namespace dioh {

class InterruptWatcher {
 public:
  // Blocks SIGINT/SIGTERM for the calling thread (and the threads it starts
  // later) and starts the watcher. Call once, from main, before any thread.
  static InterruptWatcher& Install();
  // For code that runs without Install() (tests): a watcher that never fires.
  static InterruptWatcher& Instance();

  bool interrupted() const { return interrupted_.load(); }
  int signal_number() const { return signal_.load(); }

  // Engines started by the runner; killed (as a group) on interrupt.
  void AddEngine(pid_t process_group);
  void RemoveEngine(pid_t process_group);

 private:
  InterruptWatcher() = default;
  void OnSignal(int signal_number);

  std::atomic<bool> interrupted_{false};
  std::atomic<int> signal_{0};
  std::mutex mutex_;
  std::set<pid_t> engines_;  // guarded by mutex_
};

// Registers an engine with the watcher for its lifetime.
class LiveEngine {
 public:
  explicit LiveEngine(pid_t process_group) : pgid_(process_group) { InterruptWatcher::Instance().AddEngine(pgid_); }
  ~LiveEngine() { InterruptWatcher::Instance().RemoveEngine(pgid_); }
  LiveEngine(const LiveEngine&) = delete;
  LiveEngine& operator=(const LiveEngine&) = delete;

 private:
  pid_t pgid_;
};

}  // namespace dioh
