// Paths resolved inside one folder and never out of it: what keeps the
// passthrough backend unescapable. Every path diofs acts on is resolved by
// the kernel with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a "..",
// an absolute path or a symlink anywhere in it fails (EXDEV, ELOOP) instead
// of leaving the folder. diofs never needs to follow a symlink: the kernel
// resolves the links of a FUSE mount itself (readlink, then a new lookup),
// so a link made through diofs may point anywhere, as on any filesystem,
// while diofs itself only ever acts on the link.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

namespace diofs {

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

class BeneathDir {
 public:
  explicit BeneathDir(Fd root) : root_(std::move(root)) {}

  int root() const { return root_.get(); }
  // `path` ("/a/b", inside the folder) opened with `flags` (and `mode` with
  // O_CREAT); errno is set when the result is not valid.
  Fd Resolve(std::string_view path, int flags, mode_t mode = 0) const;
  // The parent folder of `path` (O_PATH) and the last name, to act on with
  // *at(..., AT_SYMLINK_NOFOLLOW) calls: a final symlink is never followed.
  // The root itself comes back as itself and an empty name.
  std::pair<Fd, std::string> OpenParent(std::string_view path) const;
  // "/proc/self/fd/N": how a call that takes only a path reaches the node an
  // O_PATH descriptor holds (glibc's fchmodat(AT_SYMLINK_NOFOLLOW) does so);
  // following that magic link lands on the node itself, even a symlink.
  static std::string ProcPath(const Fd& fd);

 private:
  Fd root_;
};

}  // namespace diofs
