#include "fs/core/passthrough_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fs/core/beneath.h"
#include "fs/core/passthrough_file.h"

namespace diofs {
namespace {

class PassthroughBackend final : public Backend {
 public:
  PassthroughBackend(Fd root, std::string dir) : root_(std::move(root)), dir_(std::move(dir)) {}
  PassthroughBackend(const PassthroughBackend&) = delete;
  PassthroughBackend& operator=(const PassthroughBackend&) = delete;

  std::string Describe() const override { return "passthrough:" + dir_; }

  dioh::Result<NodeAttr> Stat(std::string_view path) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid()) return Errno("stat", path);
    struct stat st {};
    if (fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0) {
      return Errno("stat", path);
    }
    return FromStat(st);
  }

  dioh::Result<std::vector<DirEntry>> List(std::string_view path) override {
    Fd fd = Resolve(path, O_RDONLY | O_DIRECTORY, 0);
    if (!fd.valid()) return Errno("list", path);
    DIR* dir = fdopendir(dup(fd.get()));
    if (dir == nullptr) return Errno("list", path);
    std::vector<DirEntry> entries;
    while (dirent* e = readdir(dir)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      entries.push_back({std::string(name), static_cast<mode_t>(DTTOIF(e->d_type))});
    }
    closedir(dir);
    return entries;
  }

  dioh::Result<std::shared_ptr<BackendFile>> Open(std::string_view path, const OpenRequest& request) override {
    // O_NONBLOCK: opening a FIFO must never wait for its other end. Only a
    // regular file is kept (the kernel opens FIFOs and sockets itself).
    int flags = request.access | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    if (request.truncate) flags |= O_TRUNC;
    Fd fd = request.create ? CreateOrOpen(path, flags, request) : Resolve(path, flags, 0);
    if (!fd.valid()) return Errno("open", path);
    struct stat st {};
    if (fstat(fd.get(), &st) != 0) return Errno("open", path);
    if (!S_ISREG(st.st_mode)) {
      return dioh::Status::Error(S_ISDIR(st.st_mode) ? EISDIR : ENXIO, "open " + std::string(path) + ": not a file");
    }
    if (fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK) != 0) return Errno("open", path);
    return std::shared_ptr<BackendFile>(std::make_shared<PassthroughFile>(std::move(fd), std::string(path)));
  }

  dioh::Status MakeDir(std::string_view path, const NewOwner& owner) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || mkdirat(parent.get(), name.c_str(), 0700) != 0) return Errno("mkdir", path);
    Fd dir = Resolve(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
    if (!dir.valid() || !GiveAway(dir, owner)) {
      dioh::Status status = Errno("mkdir", path);
      (void)unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR);
      return status;
    }
    return dioh::Status::Ok();
  }

  dioh::Status RemoveDir(std::string_view path) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) != 0) return Errno("rmdir", path);
    return dioh::Status::Ok();
  }

  dioh::Status Unlink(std::string_view path) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || unlinkat(parent.get(), name.c_str(), 0) != 0) return Errno("unlink", path);
    return dioh::Status::Ok();
  }

  dioh::Status Rename(std::string_view from, std::string_view to, unsigned flags) override {
    auto [from_parent, from_name] = OpenParent(from);
    if (!from_parent.valid()) return Errno("rename", from);
    auto [to_parent, to_name] = OpenParent(to);
    if (!to_parent.valid()) return Errno("rename", to);
    if (renameat2(from_parent.get(), from_name.c_str(), to_parent.get(), to_name.c_str(), flags) != 0) {
      return Errno("rename", from);
    }
    return dioh::Status::Ok();
  }

  dioh::Status SetMode(std::string_view path, mode_t mode) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid()) return Errno("chmod", path);
    // Never through a symlink: it could point out of the folder. glibc does
    // fchmodat(AT_SYMLINK_NOFOLLOW) with an O_PATH descriptor and /proc.
    const int rc = name.empty() ? chmod(ProcPath(parent).c_str(), mode & 07777)
                                : fchmodat(parent.get(), name.c_str(), mode & 07777, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) return Errno("chmod", path);
    return dioh::Status::Ok();
  }

  dioh::Status SetOwner(std::string_view path, std::optional<std::uint32_t> uid,
                        std::optional<std::uint32_t> gid) override {
    auto [parent, name] = OpenParent(path);
    const auto id = [](std::optional<std::uint32_t> v) { return v ? *v : static_cast<std::uint32_t>(-1); };
    if (!parent.valid() || fchownat(parent.get(), name.c_str(), id(uid), id(gid),
                                    AT_SYMLINK_NOFOLLOW | (name.empty() ? AT_EMPTY_PATH : 0)) != 0) {
      return Errno("chown", path);
    }
    return dioh::Status::Ok();
  }

  dioh::Status SetTimes(std::string_view path, std::optional<timespec> atime,
                        std::optional<timespec> mtime) override {
    const timespec omit{0, UTIME_OMIT};
    const timespec times[2] = {atime.value_or(omit), mtime.value_or(omit)};
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || utimensat(parent.get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      return Errno("utimens", path);
    }
    return dioh::Status::Ok();
  }

  dioh::Status Truncate(std::string_view path, std::uint64_t size) override {
    Fd fd = Resolve(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (!fd.valid() || ftruncate(fd.get(), static_cast<off_t>(size)) != 0) return Errno("truncate", path);
    return dioh::Status::Ok();
  }

  dioh::Status Symlink(std::string_view path, std::string_view target, const NewOwner& owner) override {
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || symlinkat(std::string(target).c_str(), parent.get(), name.c_str()) != 0) {
      return Errno("symlink", path);
    }
    // A symlink's mode is always 0777; only its owner is given away.
    if (geteuid() == 0 && fchownat(parent.get(), name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0) {
      dioh::Status status = Errno("symlink", path);
      (void)unlinkat(parent.get(), name.c_str(), 0);
      return status;
    }
    return dioh::Status::Ok();
  }

  dioh::Result<std::string> ReadLink(std::string_view path) override {
    auto [parent, name] = OpenParent(path);
    if (parent.valid() && name.empty()) return dioh::Status::Error(EINVAL, "readlink /: not a symlink");
    std::string target(PATH_MAX, '\0');  // a target holds at most PATH_MAX - 1 bytes (symlink(2))
    const ssize_t n = parent.valid() ? readlinkat(parent.get(), name.c_str(), target.data(), target.size()) : -1;
    if (n < 0) return Errno("readlink", path);
    target.resize(static_cast<std::size_t>(n));
    return target;
  }

  dioh::Status Link(std::string_view from, std::string_view to) override {
    auto [from_parent, from_name] = OpenParent(from);
    if (!from_parent.valid()) return Errno("link", from);
    auto [to_parent, to_name] = OpenParent(to);
    // Flags 0: a link to a symlink is a link to the symlink itself, never to its target.
    if (!to_parent.valid() || linkat(from_parent.get(), from_name.c_str(), to_parent.get(), to_name.c_str(), 0) != 0) {
      return Errno("link", to);
    }
    return dioh::Status::Ok();
  }

  dioh::Status MakeNode(std::string_view path, const NewOwner& owner) override {
    const mode_t type = owner.mode & S_IFMT;
    if (type != S_IFIFO && type != S_IFSOCK && type != S_IFREG) {
      return dioh::Status::Error(EPERM, "mknod " + std::string(path) + ": diofs keeps no device nodes");
    }
    auto [parent, name] = OpenParent(path);
    if (!parent.valid() || mknodat(parent.get(), name.c_str(), type | 0600, 0) != 0) return Errno("mknod", path);
    // Made private, then given away, as CreateOrOpen does for files. A FIFO
    // or socket cannot be opened for fchown/fchmod: O_PATH and /proc it is.
    Fd node = Resolve(path, O_PATH | O_NOFOLLOW, 0);
    const bool given = node.valid() &&
                       (geteuid() != 0 || fchownat(node.get(), "", owner.uid, owner.gid, AT_EMPTY_PATH) == 0) &&
                       chmod(ProcPath(node).c_str(), owner.mode & 07777) == 0;
    if (!given) {
      dioh::Status status = Errno("mknod", path);
      (void)unlinkat(parent.get(), name.c_str(), 0);
      return status;
    }
    return dioh::Status::Ok();
  }

  // Extended attributes of the node itself, a symlink included: through
  // /proc/self/fd of an O_PATH descriptor (BeneathDir::ProcPath), since
  // fgetxattr() and friends refuse O_PATH descriptors.
  dioh::Result<std::string> GetXattr(std::string_view path, std::string_view name) override {
    Fd node = Resolve(path, O_PATH | O_NOFOLLOW, 0);
    if (!node.valid()) return Errno("getxattr", path);
    const std::string proc = ProcPath(node), key(name);
    for (;;) {
      const ssize_t size = getxattr(proc.c_str(), key.c_str(), nullptr, 0);
      if (size < 0) return Errno("getxattr", path);
      std::string value(static_cast<std::size_t>(size), '\0');
      const ssize_t n = getxattr(proc.c_str(), key.c_str(), value.data(), value.size());
      if (n < 0 && errno == ERANGE) continue;  // it grew in between: ask again
      if (n < 0) return Errno("getxattr", path);
      value.resize(static_cast<std::size_t>(n));
      return value;
    }
  }

  dioh::Status SetXattr(std::string_view path, std::string_view name, std::string_view value, int flags) override {
    Fd node = Resolve(path, O_PATH | O_NOFOLLOW, 0);
    if (!node.valid() ||
        setxattr(ProcPath(node).c_str(), std::string(name).c_str(), value.data(), value.size(), flags) != 0) {
      return Errno("setxattr", path);
    }
    return dioh::Status::Ok();
  }

  dioh::Result<std::vector<std::string>> ListXattr(std::string_view path) override {
    Fd node = Resolve(path, O_PATH | O_NOFOLLOW, 0);
    if (!node.valid()) return Errno("listxattr", path);
    const std::string proc = ProcPath(node);
    std::string list;
    for (;;) {
      const ssize_t size = listxattr(proc.c_str(), nullptr, 0);
      if (size < 0) return Errno("listxattr", path);
      list.assign(static_cast<std::size_t>(size), '\0');
      const ssize_t n = listxattr(proc.c_str(), list.data(), list.size());
      if (n < 0 && errno == ERANGE) continue;
      if (n < 0) return Errno("listxattr", path);
      list.resize(static_cast<std::size_t>(n));
      break;
    }
    std::vector<std::string> names;
    for (std::size_t start = 0; start < list.size();) {
      const std::size_t end = std::min(list.find('\0', start), list.size());
      if (end > start) names.push_back(list.substr(start, end - start));
      start = end + 1;
    }
    return names;
  }

  dioh::Status RemoveXattr(std::string_view path, std::string_view name) override {
    Fd node = Resolve(path, O_PATH | O_NOFOLLOW, 0);
    if (!node.valid() || removexattr(ProcPath(node).c_str(), std::string(name).c_str()) != 0) {
      return Errno("removexattr", path);
    }
    return dioh::Status::Ok();
  }

  dioh::Result<FsUsage> Usage() override {
    struct statvfs vfs {};
    if (fstatvfs(root_.root(), &vfs) != 0) return Errno("statfs", dir_);
    FsUsage usage;
    usage.block_size = static_cast<std::uint32_t>(vfs.f_frsize);
    usage.total_bytes = vfs.f_blocks * vfs.f_frsize;
    usage.free_bytes = vfs.f_bavail * vfs.f_frsize;
    usage.files = vfs.f_files - vfs.f_ffree;
    usage.free_files = vfs.f_favail;
    return usage;
  }

 private:
  Fd Resolve(std::string_view path, int flags, mode_t mode) const { return root_.Resolve(path, flags, mode); }
  std::pair<Fd, std::string> OpenParent(std::string_view path) const { return root_.OpenParent(path); }
  static std::string ProcPath(const Fd& fd) { return BeneathDir::ProcPath(fd); }

  // Gives a node diofs just made (private to diofs: 0600 or 0700) to its
  // owner, then its mode: no other user can open it in between, and a
  // set-id bit only ever lands on a node its creator owns. A diofs that is
  // not root cannot give nodes away: they stay its user's, as on any
  // filesystem that user writes to.
  static bool GiveAway(const Fd& fd, const NewOwner& owner) {
    if (geteuid() == 0 && fchown(fd.get(), owner.uid, owner.gid) != 0) return false;
    return fchmod(fd.get(), owner.mode & 07777) == 0;
  }

  // open(O_CREAT) done as create-exclusive-then-give-away, else an open of
  // the file that exists. A file removed between the two tries again.
  Fd CreateOrOpen(std::string_view path, int flags, const OpenRequest& request) const {
    for (int attempt = 0; attempt < 16; ++attempt) {
      Fd created = Resolve(path, flags | O_CREAT | O_EXCL, 0600);
      if (created.valid()) {
        if (GiveAway(created, request.new_file)) return created;
        const int code = errno;
        auto [parent, name] = OpenParent(path);
        if (parent.valid()) (void)unlinkat(parent.get(), name.c_str(), 0);
        errno = code;
        return Fd();
      }
      if (errno != EEXIST || request.exclusive) return Fd();
      Fd existing = Resolve(path, flags, 0);
      if (existing.valid() || errno != ENOENT) return existing;
    }
    errno = EAGAIN;
    return Fd();
  }

  BeneathDir root_;
  std::string dir_;
};

}  // namespace

dioh::Result<std::unique_ptr<Backend>> MakePassthroughBackend(const std::string& dir) {
  Fd root(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    return dioh::ErrnoStatus(errno, "backing folder '" + dir + "' cannot be opened");
  }
  // O_PATH opens anything searchable; the backend also needs to read and write there.
  if (faccessat(root.get(), ".", R_OK | W_OK | X_OK, AT_EACCESS) != 0) {
    return dioh::Status::Error(EACCES, "backing folder '" + dir + "' is not readable and writable");
  }
  return std::unique_ptr<Backend>(std::make_unique<PassthroughBackend>(std::move(root), dir));
}

}  // namespace diofs
