#include "harness/mount/mounted_diofs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/mount/leftovers.h"
#include "harness/os/errno_status.h"
#include "harness/os/spawn.h"

extern char** environ;

namespace dioh {
namespace {

constexpr int kReadyFd = 3;  // where diofs finds the ready pipe (--ready-fd)

Status Errno(const std::string& what) { return ErrnoStatus(errno, what); }

int MillisLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, std::min<std::int64_t>(left.count(), INT_MAX)));
}

// Waits until `fd` is readable or the deadline passes.
bool WaitReadable(int fd, std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int rc = poll(&p, 1, MillisLeft(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool IsMounted(const std::string& path) {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, where, type, rest;
  while (mounts >> device >> where >> type && std::getline(mounts, rest)) {
    if (where == path) return true;
  }
  return false;
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a program to its end (fusermount3), without a shell.
int RunProgram(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Asks the kernel to unmount; `detach` for a mount still busy.
bool UnmountPath(const std::string& path, bool detach) {
  if (geteuid() == 0) {
    if (umount2(path.c_str(), detach ? MNT_DETACH : 0) == 0) return true;
    if (errno == EINVAL && !IsMounted(path)) return true;  // already gone
  }
  return RunProgram({"fusermount3", detach ? "-uz" : "-u", path}) == 0;
}

}  // namespace

std::string MountedDiofs::DiofsBinary() {
  if (const char* env = std::getenv("DIOFS_BINARY"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "diofs").string();
}

std::optional<std::string> MountedDiofs::FuseUnusableReason() {
  const int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "/dev/fuse cannot be opened").message();
  close(fd);
  if (geteuid() != 0 && access("/usr/bin/fusermount3", X_OK) != 0) {
    return std::string("not root and no /usr/bin/fusermount3 (Debian package fuse3)");
  }
  return std::nullopt;
}

Result<std::unique_ptr<MountedDiofs>> MountedDiofs::Mount(const std::vector<std::string>& args,
                                                          std::chrono::milliseconds timeout,
                                                          std::optional<DaemonUser> as_user, const std::string& at) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string binary = DiofsBinary();
  if (access(binary.c_str(), X_OK) != 0) return Errno("diofs binary '" + binary + "'");
  std::string dir_template = (std::filesystem::temp_directory_path() / (MountDirPrefix(getpid()) + "XXXXXX")).string();
  if (mkdtemp(dir_template.data()) == nullptr) return Errno("mkdtemp");
  const std::string dir = dir_template;
  const std::string mountpoint = at.empty() ? dir + "/mnt" : at;
  const std::string stderr_path = dir + "/diofs.stderr";
  const auto give_up = [&](Status status) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return status;
  };
  if (at.empty() && mkdir(mountpoint.c_str(), 0755) != 0) return give_up(Errno("mkdir " + mountpoint));
  if (as_user && (chown(dir.c_str(), as_user->uid, as_user->gid) != 0 ||
                  chown(mountpoint.c_str(), as_user->uid, as_user->gid) != 0)) {
    return give_up(Errno("chown " + dir));
  }

  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return give_up(Errno("pipe"));
  std::vector<std::string> argv;
  if (as_user) {
    argv = {"setpriv", "--reuid=" + std::to_string(as_user->uid), "--regid=" + std::to_string(as_user->gid),
            "--clear-groups", "--"};
  }
  argv.insert(argv.end(), {binary, "-f", "--ready-fd", std::to_string(kReadyFd)});
  // The mark a later run reaps by (leftovers.h), unless the caller names the mount.
  const bool named = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find("fsname=") != std::string::npos; });
  if (!named) argv.insert(argv.end(), {"-o", "fsname=" + MountMark(getpid())});
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(mountpoint);
  // diofs gets its own process group, so a terminal's Ctrl-C reaches only the
  // harness, which unmounts in order; an empty signal mask, as the harness may
  // block SIGINT/SIGTERM for its own signal thread (masks survive exec); and
  // it dies with the harness, its mount then going with it (auto_unmount).
  // Not with as_user: setpriv's change of uid clears the death signal.
  SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.env = CurrentEnvironment();
  spec.fds = {{kReadyFd, "", 0, ready[1]},
              {STDERR_FILENO, stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, -1},
              {STDOUT_FILENO, "/dev/null", O_WRONLY | O_CLOEXEC, -1}};
  auto spawned = SpawnDyingWithParent(spec);
  close(ready[1]);
  if (!spawned.ok()) {
    close(ready[0]);
    return give_up(spawned.status());
  }
  const pid_t pid = *spawned;
  // Bookworm's <sys/pidfd.h> lacks extern "C": call the system call itself.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  std::unique_ptr<MountedDiofs> mount(new MountedDiofs(dir, mountpoint, pid, pidfd));

  char byte = 0;
  const bool readable = WaitReadable(ready[0], deadline);
  const bool is_ready = readable && read(ready[0], &byte, 1) == 1;
  close(ready[0]);
  if (is_ready) return mount;
  // diofs exited (the pipe closed) or hung: say why, and clean up.
  std::string why = mount->DaemonStderr();
  while (!why.empty() && why.back() == '\n') why.pop_back();
  auto status = mount->Unmount(std::chrono::seconds(5));
  if (!readable) return Status::Error(ETIMEDOUT, "diofs did not mount within the deadline: " + why);
  const int code = status.ok() ? *status : -1;
  return Status::Error(EIO, "diofs failed (exit status " + std::to_string(code) + "): " + why);
}

MountedDiofs::~MountedDiofs() { (void)Unmount(); }

void MountedDiofs::Reap() {
  if (reaped_) return;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_status_ = status;
  reaped_ = true;
}

Result<int> MountedDiofs::WaitForDaemonExit(std::chrono::milliseconds timeout) {
  if (!reaped_ && !WaitReadable(pidfd_, std::chrono::steady_clock::now() + timeout)) {
    return Status::Error(ETIMEDOUT, "diofs did not exit within the deadline");
  }
  Reap();
  if (!WIFEXITED(exit_status_)) return Status::Error(EIO, "diofs died of signal " + std::to_string(WTERMSIG(exit_status_)));
  return WEXITSTATUS(exit_status_);
}

std::string MountedDiofs::Path(std::string_view relative) const {
  return mountpoint_ + "/" + std::string(relative);
}

std::string MountedDiofs::DaemonStderr() const {
  std::ifstream in(dir_ + "/diofs.stderr");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<int> MountedDiofs::Unmount(std::chrono::milliseconds timeout) {
  if (unmounted_) return Status::Error(EALREADY, "already unmounted");
  unmounted_ = true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // A busy mount (a file still open) is detached: it goes once released.
  if (IsMounted(mountpoint_) && !UnmountPath(mountpoint_, false)) UnmountPath(mountpoint_, true);
  bool killed = false;
  if (!reaped_ && !WaitReadable(pidfd_, deadline)) {  // a pidfd turns readable when the process exits
    kill(pid_, SIGKILL);
    killed = true;
  }
  Reap();
  const int status = exit_status_;
  close(pidfd_);
  // A killed daemon leaves its mount dead ("transport endpoint not connected").
  if (IsMounted(mountpoint_)) UnmountPath(mountpoint_, true);
  // Never recurse into a mount that is somehow still there.
  std::error_code ec;
  if (!IsMounted(mountpoint_)) std::filesystem::remove_all(dir_, ec);
  if (killed) return Status::Error(ETIMEDOUT, "diofs did not exit after unmount and was killed");
  if (!WIFEXITED(status)) return Status::Error(EIO, "diofs died of signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

std::vector<std::string> ReapLeftovers(std::string tmp_dir) {
  std::error_code ec;
  if (tmp_dir.empty()) tmp_dir = std::filesystem::temp_directory_path(ec).string();
  // /proc/mounts names the resolved path.
  tmp_dir = std::filesystem::canonical(tmp_dir, ec).string();
  if (ec || tmp_dir.empty()) return {};
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(tmp_dir, ec)) names.push_back(entry.path().filename());
  const auto alive = [](pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; };
  const Leftovers found = FindLeftovers(ReadFileText("/proc/self/mounts"), tmp_dir, names, alive);
  std::vector<std::string> done;
  for (const std::string& point : found.mountpoints) {
    done.push_back((UnmountPath(point, /*detach=*/true) ? "reaped: detached the stale diofs mount "
                                                         : "could not detach the stale diofs mount ") + point);
  }
  const std::vector<std::string> points = MountPoints(ReadFileText("/proc/self/mounts"));
  for (const std::string& folder : found.folders) {
    struct stat st {};
    if (lstat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) continue;
    // Never recurse into a mount that is somehow still there.
    const bool holds_mount = std::any_of(points.begin(), points.end(), [&](const std::string& point) {
      return point.rfind(folder + "/", 0) == 0 || point == folder;
    });
    if (holds_mount) continue;
    std::filesystem::remove_all(folder, ec);
    done.push_back((ec ? "could not remove the stale folder " : "reaped: removed the stale folder ") + folder);
  }
  return done;
}

}  // namespace dioh
