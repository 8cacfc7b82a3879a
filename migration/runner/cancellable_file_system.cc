#include "migration/runner/cancellable_file_system.h"

#include <cerrno>

namespace mrm::runner {
namespace {

dioh::Status CancelledError() { return dioh::Status::Error(ECANCELED, "migration cancelled"); }

class CancellableFile final : public channel::File {
 public:
  CancellableFile(std::unique_ptr<channel::File> inner, const std::function<bool()>& cancelled)
      : inner_(std::move(inner)), cancelled_(cancelled) {}
  dioh::Result<size_t> PWritev(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    if (cancelled_()) return CancelledError();
    return inner_->PWritev(iov, iovcnt, offset);
  }
  dioh::Result<size_t> PReadv(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    if (cancelled_()) return CancelledError();
    return inner_->PReadv(iov, iovcnt, offset);
  }
  dioh::Status Truncate(uint64_t length) override { return inner_->Truncate(length); }
  dioh::Status Sync() override { return inner_->Sync(); }
  dioh::Result<uint64_t> Size() override { return inner_->Size(); }
  int flags() const override { return inner_->flags(); }

 private:
  std::unique_ptr<channel::File> inner_;
  const std::function<bool()>& cancelled_;  // the file system's; it outlives its files
};

}  // namespace

dioh::Result<std::unique_ptr<channel::File>> CancellableFileSystem::Open(const std::string& path, int flags,
                                                                        mode_t mode) {
  if (cancelled_()) return CancelledError();
  auto file = inner_.Open(path, flags, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<channel::File>(std::make_unique<CancellableFile>(std::move(*file), cancelled_));
}

}  // namespace mrm::runner
