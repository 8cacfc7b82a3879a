#include "harness/engine/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>

#include "harness/os/errno_status.h"
#include "harness/os/spawn.h"

namespace dioh {
namespace {

int MillisLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX));
}

std::string NameOf(const std::string& entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> MergeEnvironment(const std::vector<std::string>& base,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> merged;
  for (const std::string& entry : base) {
    const std::string name = NameOf(entry);
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) { return NameOf(e) == name; });
    if (!replaced) merged.push_back(entry);
  }
  merged.insert(merged.end(), extra.begin(), extra.end());
  return merged;
}

std::string WaitStatusText(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) + (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  return "wait status " + std::to_string(wait_status);
}

std::string LastLines(const std::string& text, std::size_t count) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  std::size_t start = end;
  for (std::size_t lines = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++lines == count) break;
  }
  return text.substr(start, end - start);
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const SpawnRequest& request) {
  if (request.argv.empty()) return Status::Error(EINVAL, "spawn: no program given");
  // A group of its own (pgid = its pid), default signal actions, an empty
  // mask, and death with the harness (harness/os/spawn.h).
  SpawnSpec spec;
  spec.argv = request.argv;
  spec.search_path = false;
  spec.env = MergeEnvironment(CurrentEnvironment(), request.extra_env);
  spec.fds = {{STDIN_FILENO, "/dev/null", O_RDONLY | O_CLOEXEC, -1},
              {STDOUT_FILENO, request.capture_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, -1},
              {STDERR_FILENO, "", 0, STDOUT_FILENO}};
  auto spawned = SpawnDyingWithParent(spec);
  if (!spawned.ok()) return spawned.status();
  const pid_t pid = *spawned;
  // Bookworm's <sys/pidfd.h> lacks extern "C": call the system call itself.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    const int open_error = errno;
    kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return ErrnoStatus(open_error, "pidfd_open (Linux 5.3 or later needed)");
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, pidfd));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    Kill();
    Reap();
  }
  if (pidfd_ >= 0) close(pidfd_);
}

bool ChildProcess::HasExited() {
  if (reaped_) return true;
  pollfd p{pidfd_, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

bool ChildProcess::WaitForExit(std::chrono::steady_clock::time_point deadline) {
  if (reaped_) return true;
  pollfd p{pidfd_, POLLIN, 0};  // a pidfd turns readable when the process exits
  for (;;) {
    const int ready = poll(&p, 1, MillisLeft(deadline));
    if (ready > 0) break;
    if (ready == 0 || errno != EINTR) return false;
  }
  Reap();
  return true;
}

void ChildProcess::Kill() {
  // The group id is the child's pid, which cannot be reused before it is reaped.
  if (reaped_) return;
  killed_by_harness_ = true;
  kill(-pid_, SIGKILL);
}

std::optional<int> ChildProcess::CrashSignal() const {
  if (!reaped_ || !WIFSIGNALED(wait_status_)) return std::nullopt;
  const int signal = WTERMSIG(wait_status_);
  if (signal == SIGKILL && killed_by_harness_) return std::nullopt;
  return signal;
}

void ChildProcess::Reap() {
  if (reaped_) return;
  // Whatever the engine left behind in its group goes with it.
  kill(-pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  wait_status_ = status;
  reaped_ = true;
}

std::string ChildProcess::ExitText() const { return reaped_ ? WaitStatusText(wait_status_) : "running"; }

}  // namespace dioh
