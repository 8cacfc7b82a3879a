// ChildProcess: the one seam through which the harness starts engine
// processes. Started by harness/os/spawn.h: in a process group of its own (so
// a kill reaches whatever the engine started, and a terminal's Ctrl-C reaches
// only the harness, which then cleans up) and dying with the harness
// (PR_SET_PDEATHSIG: a SIGKILLed harness leaves no engine running); stdin
// from /dev/null, stdout and stderr into one capture file, extra environment
// variables. Exits are watched on a pidfd, so every wait is a poll with a
// deadline, never a sleep. The runner spawns from the main thread, which
// outlives every engine (the death signal follows the parent thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace dioh {

struct SpawnRequest {
  std::vector<std::string> argv;          // argv[0]: the program's path (no PATH search)
  std::vector<std::string> extra_env;     // "NAME=VALUE": added, or replacing NAME
  std::string capture_path;               // stdout and stderr go here (created, truncated)
};

class ChildProcess {
 public:
  // A program that cannot be executed is an error naming it.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const SpawnRequest& request);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // SIGKILL to the process group if the child was not reaped yet, then reaps.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Whether the child has exited (without waiting).
  bool HasExited();
  // Waits until the child exits or the deadline passes; true if it exited
  // (then it is reaped, and what is left of its group killed).
  bool WaitForExit(std::chrono::steady_clock::time_point deadline);
  // SIGKILL to the whole process group (no-op once reaped).
  void Kill();
  // "exit 0", "exit 1", "killed by signal 9"; "running" before the exit.
  std::string ExitText() const;
  // The signal the child died of, unless it was the harness's own SIGKILL
  // (Kill(), or the destructor's): a crash, whenever it came.
  std::optional<int> CrashSignal() const;

 private:
  ChildProcess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  void Reap();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
  bool killed_by_harness_ = false;
  int wait_status_ = 0;
};

// The environment a child gets: `base` ("NAME=VALUE" entries) with every
// `extra` entry replacing the one of the same name, or appended.
std::vector<std::string> MergeEnvironment(const std::vector<std::string>& base,
                                          const std::vector<std::string>& extra);
// waitpid status as text: "exit N" or "killed by signal N (NAME)".
std::string WaitStatusText(int wait_status);
// The last `count` lines of `text` (all of it if it has fewer).
std::string LastLines(const std::string& text, std::size_t count);

}  // namespace dioh
