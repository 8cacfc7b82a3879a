#include "migration/channel/channel_open.h"

#include "migration/params/migration_config.h"

#include <fcntl.h>

#include <cerrno>

namespace mrm::channel {

bool DirectIoEffective(bool direct_io, bool mapped_ram, bool multifd) {
  return params::DirectIoEffective(direct_io, mapped_ram, multifd);
}

int ChannelOpenFlags(ChannelRole role, Direction direction, DirectIoDecision direct, const InjectedBugs& bugs) {
  const bool out = direction == Direction::kOutgoing;
  int flags = out ? O_WRONLY : O_RDONLY;
  bool use_direct = false;
  if (role == ChannelRole::kMain) {
    if (out) flags |= O_CREAT;
    if (out && bugs.has(InjectedBug::kTruncatePrefix)) flags |= O_TRUNC;
    use_direct = direct.requested && (bugs.has(InjectedBug::kOdirectMainChannel) ||
                                      (bugs.has(InjectedBug::kUngatedDirectIo) && !direct.effective));
  } else {
    use_direct = direct.effective && !bugs.has(InjectedBug::kSilentBufferedFallback);
  }
  if (use_direct) flags |= O_DIRECT;
  return flags;
}

dioh::Result<std::unique_ptr<File>> OpenChannelFile(FileSystem& fs, const std::string& path, int flags) {
  auto file = fs.Open(path, flags, 0600);
  if (file.ok()) return file;
  const int err = file.status().code();
  if (err == EINVAL && (flags & O_DIRECT)) {
    auto plain = fs.Open(path, flags & ~O_DIRECT, 0600);
    if (plain.ok()) {
      return dioh::Status::Error(EINVAL, "Could not open '" + path + "': filesystem does not support O_DIRECT");
    }
  }
  return dioh::Status::Error(err, "Could not open '" + path + "': " + ErrnoText(err));
}

}  // namespace mrm::channel
