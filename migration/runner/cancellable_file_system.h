// CancellableFileSystem: the engine has no cancel point of its own, so
// migrate_cancel reaches it through its I/O seam: once the flag is set every
// open, read and write fails with ECANCELED, the channels stop, and the
// engine's save or load ends as failed, which the runner reports as cancelled.
#pragma once

#include <atomic>

#include "migration/channel/file_io.h"

namespace dioh::migration {

class CancellableFileSystem final : public mrm::channel::FileSystem {
 public:
  CancellableFileSystem(mrm::channel::FileSystem& inner, const std::atomic<bool>& cancelled)
      : inner_(inner), cancelled_(cancelled) {}
  Result<std::unique_ptr<mrm::channel::File>> Open(const std::string& path, int flags, mode_t mode) override;

 private:
  mrm::channel::FileSystem& inner_;
  const std::atomic<bool>& cancelled_;
};

}  // namespace dioh::migration
