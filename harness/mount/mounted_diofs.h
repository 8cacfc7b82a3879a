// MountedDiofs: a diofs mount owned by a test or a harness run (RAII).
//
// Mount() makes a private temporary folder, starts `diofs -f` on it and
// waits (with a deadline, on a pipe diofs writes to once mounted) until the
// mount is up. The destructor unmounts, waits for the daemon to exit, kills
// it if it does not, detaches a mount that is still busy, and removes the
// folder: no mount is ever left behind, also when a test fails. When the
// owner itself is killed, diofs dies with it (PR_SET_PDEATHSIG,
// harness/os/spawn.h) and its auto_unmount drops the mount; the folder
// ("diofs-<pid>-XXXXXX") and the mount's mark (fsname "diofs:<pid>") let a
// later run reap what is left (ReapLeftovers, leftovers.h).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace dioh {

// A user to run diofs as, instead of the caller (who must then be root).
struct DaemonUser {
  uid_t uid = 0;
  gid_t gid = 0;
};

class MountedDiofs {
 public:
  // `args`: diofs options before the mountpoint ("--profile", "ext4-512").
  // The binary is $DIOFS_BINARY, else `diofs` beside the running program.
  // With `as_user`, diofs runs as that user (through setpriv(1), no
  // supplementary groups), mounting through fusermount3 as any user does;
  // the private folder is then that user's. With `at`, diofs mounts on
  // that existing folder instead of the private one (which still holds
  // diofs's stderr); the folder itself is left in place at unmount.
  static Result<std::unique_ptr<MountedDiofs>> Mount(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                                     std::optional<DaemonUser> as_user = std::nullopt,
                                                     const std::string& at = {});
  // Why no FUSE mount can be made on this machine at all (for GTEST_SKIP), or none.
  static std::optional<std::string> FuseUnusableReason();
  // The diofs binary Mount() starts.
  static std::string DiofsBinary();

  MountedDiofs(const MountedDiofs&) = delete;
  MountedDiofs& operator=(const MountedDiofs&) = delete;
  ~MountedDiofs();

  const std::string& mountpoint() const { return mountpoint_; }
  // mountpoint() + "/" + relative.
  std::string Path(std::string_view relative) const;
  pid_t daemon_pid() const { return pid_; }

  // Unmounts and waits for diofs to exit; its exit status, or an error if it
  // had to be killed. Safe to call twice; the destructor calls it.
  Result<int> Unmount(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for diofs to exit by itself (after a signal, say), without
  // unmounting; its exit status, or ETIMEDOUT. The mount stays owned: the
  // destructor still cleans up whatever is left.
  Result<int> WaitForDaemonExit(std::chrono::milliseconds timeout);
  // What diofs wrote to stderr so far.
  std::string DaemonStderr() const;

 private:
  MountedDiofs(std::string dir, std::string mountpoint, pid_t pid, int pidfd)
      : dir_(std::move(dir)), mountpoint_(std::move(mountpoint)), pid_(pid), pidfd_(pidfd) {}

  void Reap();  // waits for the (exited or killed) daemon and keeps its status

  std::string dir_;         // private temporary folder: mnt/ and diofs.stderr
  std::string mountpoint_;  // dir_ + "/mnt", or Mount's `at`
  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool unmounted_ = false;
  int exit_status_ = -1;  // the daemon's wait status, once reaped
  bool reaped_ = false;
};

// Reaps what dead runs left under `tmp_dir` (default: $TMPDIR, else /tmp):
// detaches their marked diofs mounts, then removes their folders that hold
// no mount and belong to this user (leftovers.h). One line per thing done.
std::vector<std::string> ReapLeftovers(std::string tmp_dir = "");

}  // namespace dioh
