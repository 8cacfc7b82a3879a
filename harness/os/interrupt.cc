#include "harness/os/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <thread>

namespace dioh {

InterruptWatcher& InterruptWatcher::Instance() {
  static InterruptWatcher watcher;
  return watcher;
}

InterruptWatcher& InterruptWatcher::Install() {
  InterruptWatcher& watcher = Instance();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Detached: it lives until the process exits, waiting in sigwait.
  std::thread([&watcher, set] {
    for (;;) {
      int signal_number = 0;
      if (sigwait(&set, &signal_number) == 0) watcher.OnSignal(signal_number);
    }
  }).detach();
  return watcher;
}

void InterruptWatcher::OnSignal(int signal_number) {
  signal_.store(signal_number);
  interrupted_.store(true);
  std::lock_guard<std::mutex> lock(mutex_);
  for (pid_t pgid : engines_) kill(-pgid, SIGKILL);
}

void InterruptWatcher::AddEngine(pid_t process_group) {
  std::lock_guard<std::mutex> lock(mutex_);
  engines_.insert(process_group);
  // An engine started after the interrupt dies at once too.
  if (interrupted_.load()) kill(-process_group, SIGKILL);
}

void InterruptWatcher::RemoveEngine(pid_t process_group) {
  std::lock_guard<std::mutex> lock(mutex_);
  engines_.erase(process_group);
}

}  // namespace dioh
