// The FUSE edge of diofs: mounts, serves the low-level FUSE protocol by
// calling DioFilesystem (one reply per request), and unmounts. It only
// translates: no rule, no state of its own but the session.
#pragma once

#include "fs/core/filesystem.h"
#include "fs/daemon/options.h"

namespace diofs {

// Mounts `fs` at options.mountpoint and serves until unmounted or signalled
// (SIGINT, SIGTERM, SIGHUP). `after_mount` runs once the mount is up, in the
// process that serves (after daemonizing): start threads there, not before.
// Returns the process exit status: 0 after a clean unmount, 2 when the mount
// could not be made (the error is printed, nothing is left mounted).
int ServeFuse(DioFilesystem& fs, const DaemonOptions& options, void (*after_mount)(void*), void* context);

}  // namespace diofs
