// Checker: the state of the preload library and the decisions it makes on
// each interposed call. It owns no OS resources: every call that could
// recurse into the interposed symbols goes through OsCalls (the real libc
// functions the preload resolved with dlsym(RTLD_NEXT)), which is also the
// seam tests use to drive it in-process with plain libc.
//
// Nothing here allocates, locks or uses stdio after construction, so a
// Checker may be entered from signal handlers, from many threads at once,
// and in a forked child.
#pragma once

#include <linux/limits.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <string_view>

#include "fs/diocheck/call_site.h"
#include "fs/diocheck/description_table.h"
#include "fs/diocheck/mount_cache.h"
#include "fs/diocheck/violation.h"

namespace diocheck {

struct OsCalls {
  int (*open)(const char* path, int flags, ...);
  ssize_t (*read)(int fd, void* buffer, size_t count);
  ssize_t (*write)(int fd, const void* buffer, size_t count);
  int (*close)(int fd);
  int (*fcntl)(int fd, int command, ...);
  // For the call site of a report (call_site.h); null: reports have none.
  int (*backtrace)(void** frames, int size) = nullptr;
  Dladdr1Function dladdr1 = nullptr;
  uintptr_t self_base = 0;  // where the library itself is loaded: its frames are skipped
};

struct Config {
  Mode mode = Mode::kEinval;
  uint32_t env_mem_align = 0;            // DIOCHECK_MEM_ALIGN, 0 = unset
  char log_path[PATH_MAX] = {};          // DIOCHECK_LOG, empty = unset
  char mountinfo_path[PATH_MAX] = {};    // DIOCHECK_MOUNTINFO or /proc/self/mountinfo
  bool quiet = false;                    // DIOCHECK_QUIET=1: no line on stderr
};

// Reads the DIOCHECK_* variables from `getenv_fn`; an invalid value is
// described in `problem` (a static string) and left at its default.
Config ConfigFromEnvironment(const char* (*getenv_fn)(const char* name), const char** problem);

// One interposed read or write: the call name and its memory segments.
struct Transfer {
  int fd = -1;
  std::string_view call;
  const struct iovec* segments = nullptr;
  int segment_count = 0;
  bool positioned = false;
  int64_t offset = 0;
};

class Checker {
 public:
  Checker(const Config& config, const OsCalls& os, DescriptionTable table)
      : config_(config), os_(os), table_(table) {}

  // After a successful open/openat/creat and their aliases.
  void OnOpened(int fd, int open_flags);
  // After the kernel reported `fd`'s status flags (F_GETFL, or F_SETFL then F_GETFL).
  void OnStatusFlags(int fd, int status_flags);
  void OnDuplicated(int old_fd, int new_fd) { table_.Duplicate(old_fd, new_fd); }
  // Before close: afterwards the number may be reused by another thread.
  void OnClosing(int fd) { table_.Close(fd); }
  void OnClosingRange(unsigned first, unsigned last);

  // Checks `transfer` and reports a violation. True if the call must fail
  // with EINVAL without reaching the kernel. May change errno.
  bool ShouldReject(const Transfer& transfer);

  // The program set up io_uring (io_uring_setup, liburing's queue init),
  // whose buffers this library cannot see: said once per process, on stderr
  // and in DIOCHECK_LOG, so that a report can say "not checked", never "pass".
  void NoteIoUring(std::string_view call);

  const Config& config() const { return config_; }
  const DescriptionTable& table() const { return table_; }

 private:
  AlignInfo Resolve(int fd);
  std::optional<int> ProbeMount(uint64_t device);
  void Report(const Transfer& transfer, const SegmentCheck& check, const AlignInfo& align);
  void AppendLine(const char* path, int extra_flags, std::string_view line);
  // Where the program made the current call (false: no unwinder given).
  bool CaptureCallSite(CallSite& call_site);

  Config config_;
  OsCalls os_;
  DescriptionTable table_;
  MountCache mounts_;
  std::atomic<bool> io_uring_noted_{false};
};

}  // namespace diocheck
