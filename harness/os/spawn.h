// Spawn: starts a child that dies with the harness. posix_spawn cannot set
// PR_SET_PDEATHSIG, so this forks and, in the child, before exec: a process
// group of its own, PR_SET_PDEATHSIG(SIGKILL), a getppid() check against the
// parent's pid taken before fork (the parent may already be gone: the death
// signal would then never come), default signal actions and an empty mask,
// the requested descriptors; exec's error comes back through a CLOEXEC pipe,
// so "no such binary" is an error value, not a child that exits 127.
//
// PR_SET_PDEATHSIG fires when the parent THREAD ends (prctl(2)), not the
// process: call Spawn from a thread that outlives the child (the harness
// runs its jobs, and so spawns, on the main thread). The setting is also
// cleared when the child changes its effective uid or gid (setpriv, a
// setuid program), so such a child does not die with the harness.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status/status.h"

namespace dioh {

struct SpawnFd {
  int target = -1;     // the descriptor the child gets
  std::string path;    // opened for it with `flags`, or, when empty...
  int flags = 0;
  int source_fd = -1;  // ...dup2'd from this descriptor of the parent
};

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0]: the program
  bool search_path = true;        // a name without '/' is looked up in $PATH
  std::vector<std::string> env;   // the whole environment ("NAME=VALUE")
  std::vector<SpawnFd> fds;       // applied in order
  std::string cwd;                // the child's working directory (empty: the parent's)
};

// The child's pid; an error naming the program when it cannot be executed.
Result<pid_t> SpawnDyingWithParent(const SpawnSpec& spec);

// `name` as exec would find it: itself if it has a '/', else the first
// executable in `path_list` (the value of $PATH); empty if none.
std::string FindProgram(const std::string& name, const std::string& path_list);

// The process's own environment, as "NAME=VALUE" entries.
std::vector<std::string> CurrentEnvironment();

}  // namespace dioh
