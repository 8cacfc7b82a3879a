// CancellableFileSystem: the engine has no cancel point of its own, so
// migrate_cancel reaches it through its I/O seam: once the flag is set every
// open, read and write fails with ECANCELED, the channels stop, and the
// engine's save or load ends as failed, which the runner reports as cancelled.
// `cancelled` is asked before every open, read and write (from the channels'
// threads, so it must be thread-safe).
#pragma once

#include <functional>

#include "migration/channel/file_io.h"

namespace mrm::runner {

class CancellableFileSystem final : public channel::FileSystem {
 public:
  CancellableFileSystem(channel::FileSystem& inner, std::function<bool()> cancelled)
      : inner_(inner), cancelled_(std::move(cancelled)) {}
  dioh::Result<std::unique_ptr<channel::File>> Open(const std::string& path, int flags, mode_t mode) override;

 private:
  channel::FileSystem& inner_;
  std::function<bool()> cancelled_;
};

}  // namespace mrm::runner
