#include "migration/channel/channel_open.h"

#include <fcntl.h>

#include <cerrno>

#include "migration/channel/io_errors.h"

namespace mrm::channel {

int ChannelOpenFlags(ChannelRole role, model::Direction direction, const model::DirectIo& direct_io,
                     const model::InjectedBugs& bugs) {
  using model::InjectedBug;
  const bool out = direction == model::Direction::kOutgoing;
  int flags = out ? O_WRONLY : O_RDONLY;
  bool use_direct = false;
  if (role == ChannelRole::kMultifd) {
    use_direct = direct_io.effective() && !bugs.has(InjectedBug::kSilentBufferedFallback);
  } else if (out) {
    flags |= O_CREAT;
    if (bugs.has(InjectedBug::kTruncatePrefix)) flags |= O_TRUNC;
    use_direct = direct_io.requested() && (bugs.has(InjectedBug::kOdirectMainChannel) ||
                                           (bugs.has(InjectedBug::kUngatedDirectIo) && !direct_io.effective()));
  } else {
    // The destination's main channel: only odirect-main-channel reaches it,
    // and only where direct-io is effective. ungated-direct-io is the source's
    // mistake of using O_DIRECT on a stream that is not mapped-ram + multifd;
    // a load never opened its main channel O_DIRECT for it.
    use_direct = direct_io.effective() && bugs.has(InjectedBug::kOdirectMainChannel);
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
  // qio_channel_file_new_path: qemu_create for O_CREAT, qemu_open otherwise.
  return dioh::Status::Error(err, (flags & O_CREAT) ? CouldNotCreate(path, err) : CouldNotOpen(path, err));
}

}  // namespace mrm::channel
