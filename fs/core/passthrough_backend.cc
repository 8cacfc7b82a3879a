#include "fs/core/passthrough_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace diofs {
namespace {

dioh::Status Errno(std::string_view what, std::string_view path) {
  const int code = errno;
  return dioh::Status::Error(code, std::string(what) + " " + std::string(path));
}

NodeAttr FromStat(const struct stat& st) {
  NodeAttr attr;
  attr.mode = st.st_mode;
  attr.size = static_cast<std::uint64_t>(st.st_size);
  attr.blocks = static_cast<std::uint64_t>(st.st_blocks);
  attr.nlink = static_cast<std::uint32_t>(st.st_nlink);
  attr.uid = st.st_uid;
  attr.gid = st.st_gid;
  attr.atime = st.st_atim;
  attr.mtime = st.st_mtim;
  attr.ctime = st.st_ctim;
  return attr;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

class PassthroughFile final : public BackendFile {
 public:
  PassthroughFile(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  dioh::Result<std::size_t> ReadAt(std::uint64_t offset, std::span<std::byte> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno("read", path_);
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data) override {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = pwrite(fd_.get(), data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        if (done > 0) break;  // report what was written, as write(2) does
        return Errno("write", path_);
      }
      done += static_cast<std::size_t>(n);
    }
    return done;
  }
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) override {
    if (fallocate(fd_.get(), mode, static_cast<off_t>(offset), static_cast<off_t>(length)) != 0) {
      return Errno("fallocate", path_);
    }
    return dioh::Status::Ok();
  }
  dioh::Status Resize(std::uint64_t size) override {
    if (ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) return Errno("truncate", path_);
    return dioh::Status::Ok();
  }
  dioh::Status Sync(bool data_only) override {
    if ((data_only ? fdatasync(fd_.get()) : fsync(fd_.get())) != 0) return Errno("fsync", path_);
    return dioh::Status::Ok();
  }
  dioh::Result<NodeAttr> Stat() override {
    struct stat st {};
    if (fstat(fd_.get(), &st) != 0) return Errno("stat", path_);
    return FromStat(st);
  }
  dioh::Status RemoveSetIdBits(const Credentials& writer) override {
    if (writer.privileged()) return dioh::Status::Ok();
    struct stat st {};
    if (fstat(fd_.get(), &st) != 0) return Errno("stat", path_);
    // diofs writes as its own user (root, holding CAP_FSETID), so the host
    // kernel keeps the bits: diofs drops them for the caller.
    if (auto kept = ModeAfterWrite(st.st_mode, writer); kept && fchmod(fd_.get(), *kept & 07777) != 0) {
      return Errno("chmod", path_);
    }
    return dioh::Status::Ok();
  }

 private:
  Fd fd_;
  std::string path_;
};

class PassthroughBackend final : public Backend {
 public:
  PassthroughBackend(Fd root, std::string dir) : root_(std::move(root)), dir_(std::move(dir)) {}

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
    int flags = request.access | O_CLOEXEC | O_NOFOLLOW;
    if (request.truncate) flags |= O_TRUNC;
    Fd fd = request.create ? CreateOrOpen(path, flags, request) : Resolve(path, flags, 0);
    if (!fd.valid()) return Errno("open", path);
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

  dioh::Result<FsUsage> Usage() override {
    struct statvfs vfs {};
    if (fstatvfs(root_.get(), &vfs) != 0) return Errno("statfs", dir_);
    FsUsage usage;
    usage.block_size = static_cast<std::uint32_t>(vfs.f_frsize);
    usage.total_bytes = vfs.f_blocks * vfs.f_frsize;
    usage.free_bytes = vfs.f_bavail * vfs.f_frsize;
    usage.files = vfs.f_files - vfs.f_ffree;
    usage.free_files = vfs.f_favail;
    return usage;
  }

 private:
  // "/a/b" -> "a/b"; "/" -> ".": relative to root_.
  static std::string Relative(std::string_view path) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return path.empty() ? "." : std::string(path);
  }

  // openat2 has no glibc wrapper in bookworm; RESOLVE_BENEATH fails with
  // EXDEV on any ".." or absolute symlink that would leave root_.
  Fd Resolve(std::string_view path, int flags, mode_t mode) const {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) != 0 ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const std::string rel = Relative(path);
    long fd;
    do {
      fd = syscall(SYS_openat2, root_.get(), rel.c_str(), &how, sizeof(how));
    } while (fd < 0 && errno == EAGAIN);
    return Fd(static_cast<int>(fd));
  }

  // The parent folder (O_PATH) and the last name; the name is acted on with
  // *at(..., AT_SYMLINK_NOFOLLOW) calls, so a final symlink is never followed.
  std::pair<Fd, std::string> OpenParent(std::string_view path) const {
    auto [dir, name] = SplitPath(path);
    if (name.empty() || name == "." || name == "..") {
      // The root itself: act on it through an empty path.
      errno = (name.empty() ? 0 : EINVAL);
      if (name.empty()) return {Resolve("/", O_PATH | O_DIRECTORY, 0), ""};
      return {Fd(), ""};
    }
    return {Resolve(dir, O_PATH | O_DIRECTORY, 0), std::string(name)};
  }

  static std::string ProcPath(const Fd& fd) { return "/proc/self/fd/" + std::to_string(fd.get()); }

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

  Fd root_;
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
