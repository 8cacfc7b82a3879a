#include "fs/core/beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "fs/core/backend.h"

namespace diofs {
namespace {

// "/a/b" -> "a/b"; "/" -> ".": relative to the root.
std::string Relative(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.empty() ? "." : std::string(path);
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

Fd BeneathDir::Resolve(std::string_view path, int flags, mode_t mode) const {
  // openat2 has no glibc wrapper in bookworm. RESOLVE_NO_SYMLINKS also
  // refuses magic links (/proc/self/fd/N).
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  const std::string rel = Relative(path);
  long fd;
  do {
    fd = syscall(SYS_openat2, root_.get(), rel.c_str(), &how, sizeof(how));
  } while (fd < 0 && errno == EAGAIN);
  return Fd(static_cast<int>(fd));
}

std::pair<Fd, std::string> BeneathDir::OpenParent(std::string_view path) const {
  auto [dir, name] = SplitPath(path);
  if (name.empty() || name == "." || name == "..") {
    // The root itself: act on it through an empty path.
    errno = (name.empty() ? 0 : EINVAL);
    if (name.empty()) return {Resolve("/", O_PATH | O_DIRECTORY), ""};
    return {Fd(), ""};
  }
  return {Resolve(dir, O_PATH | O_DIRECTORY), std::string(name)};
}

std::string BeneathDir::ProcPath(const Fd& fd) { return "/proc/self/fd/" + std::to_string(fd.get()); }

}  // namespace diofs
