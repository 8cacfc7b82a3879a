// The diofs command line, parsed and validated without mounting: what
// main.cc does with it is mount, serve and unmount. Every error is one line
// that names the problem; the process then exits with status 2 and nothing
// is mounted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/core/filesystem.h"
#include "fs/core/profile.h"

namespace diofs {

inline constexpr unsigned kDefaultMaxThreads = 64;

struct DaemonOptions {
  std::string mountpoint;          // absolute
  ProfileSwitch profile;           // preset plus overrides, and the on-violation policy
  std::string backend = "mem";     // "mem" or "passthrough:DIR"
  std::string log_path;            // op log, absolute (empty: none); never inside the mount
  bool log_data = false;           // keep written data in the op log, for replay
  SimOptions sim;                  // --device, --faults (storage simulation)
  std::uint64_t capacity = 0;      // --capacity (mem backend), 0: none
  bool foreground = false;         // -f
  bool single_threaded = false;    // -s
  // --max-threads: the most worker threads libfuse's loop may run. Each
  // request is a wake-up of a worker: beyond the CPUs, more workers only add
  // context switches (a 4-channel save through diofs ran 0.43-0.48 of tmpfs
  // with 64 on 2 cores, 0.49-0.59 with 2).
  unsigned max_threads = kDefaultMaxThreads;
  bool verbose = false;            // -v: a line on stderr per refused O_DIRECT operation
  int ready_fd = -1;               // written one byte once mounted (for harnesses)
  // --allow-other (or -o allow_other): users other than the one who mounts
  // may use the mount. The kernel checks their permissions either way
  // (default_permissions is always on).
  bool allow_other = false;
  // O_DIRECT opens ask the kernel to let non-extending direct writes to one
  // file overlap (FOPEN_PARALLEL_DIRECT_WRITES, fs/daemon/open_reply.h);
  // --serial-direct-writes turns it off, as FUSE file systems behave without it.
  bool parallel_direct_writes = true;
  // --direct-io-all: buffered opens bypass the page cache too (FOPEN_DIRECT_IO):
  // each write() reaches the op log as issued; shared mmap then fails (ENODEV).
  bool direct_io_all = false;
  // Standard mount options from -o, for libfuse and the kernel (ro, nosuid,
  // fsname=...), each as one option (commas unescaped).
  std::vector<std::string> fuse_options;
};

// Parses argv: `[SOURCE] MOUNTPOINT` (mount(8) passes a source; it is
// ignored) and options, also as -o NAME=VALUE (mount_options.h). `--help`
// is not an error: it comes back as text to print (exit status 0).
struct DaemonCommand {
  std::optional<DaemonOptions> options;  // set: mount
  std::string print;                     // otherwise: print this and exit 0
};
dioh::Result<DaemonCommand> ParseDaemonOptions(int argc, const char* const* argv);

// The mountpoint must exist, be a folder, and not be a mount point already.
dioh::Status CheckMountpoint(const std::string& path);

// The options of the kernel mount: always default_permissions, so that the
// kernel enforces owners and modes for every caller as on any filesystem,
// and auto_unmount; allow_other only when asked; fsname "diofs" unless -o
// names another.
std::string FuseMountOptions(const DaemonOptions& options);

// Whether allow_other may be asked for: root may; another user only when
// /etc/fuse.conf (`fuse_conf`, its text) has a `user_allow_other` line.
dioh::Status CheckAllowOther(bool root, std::string_view fuse_conf);

}  // namespace diofs
