// Whether an engine is still inside a migration, judged by its thread names:
// QEMU started with debug-threads=on names its migration threads "mig/src/main",
// "mig/src/send_N", "mig/dst/recv_N" (qemu_thread_create in migration/), and
// mrmigrate names its own the same way.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/qmp/deadline.h"

namespace dioh {

// Whether one of `thread_names` (the comm of each thread) is a migration thread.
bool HasMigrationThread(const std::vector<std::string>& thread_names);

// The comm of each thread of `pid` (/proc/PID/task/*/comm); empty once it exited.
std::vector<std::string> ThreadNamesOf(pid_t pid);

// Waits until `pid` has no migration thread left, or the deadline. The wait
// between looks is short: a migration thread ends within milliseconds of its
// final status. Returns whether none is left.
bool WaitForMigrationThreadsToEnd(pid_t pid, Deadline deadline);

}  // namespace dioh
