// The FUSE edge of diofs: mounts, serves the low-level FUSE protocol by
// calling DioFilesystem (one reply per request), and unmounts. It only
// translates: no rule, no state of its own but the session.
#pragma once

#include <functional>

#include "fs/core/filesystem.h"
#include "fs/daemon/options.h"

namespace diofs {

// DESIGN.md: the kernel sends at most 1 MiB per write; migration I/O stays below it.
inline constexpr unsigned kFuseMaxWrite = 1u << 20;

// Mounts `fs` at options.mountpoint and serves until unmounted or signalled
// (SIGINT, SIGTERM, SIGHUP). Without -f it daemonizes once mounted: start no
// thread before (the op log's flusher starts with its first record).
// Returns the process exit status: 0 after a clean unmount, 2 when the mount
// could not be made (the error is printed, nothing is left mounted).
// `on_serve` runs in the serving process once mounted (after daemonizing).
int ServeFuse(DioFilesystem& fs, const DaemonOptions& options, const std::function<void()>& on_serve = {});

}  // namespace diofs
