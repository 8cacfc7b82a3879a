#include "migration/runner/cancellable_file_system.h"

#include <cerrno>

namespace dioh::migration {
namespace {

Status CancelledError() { return Status::Error(ECANCELED, "migration cancelled"); }

class CancellableFile final : public mrm::channel::File {
 public:
  CancellableFile(std::unique_ptr<mrm::channel::File> inner, const std::function<bool()>& cancelled)
      : inner_(std::move(inner)), cancelled_(cancelled) {}
  Result<size_t> PWritev(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    if (cancelled_()) return CancelledError();
    return inner_->PWritev(iov, iovcnt, offset);
  }
  Result<size_t> PReadv(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    if (cancelled_()) return CancelledError();
    return inner_->PReadv(iov, iovcnt, offset);
  }
  Status Truncate(uint64_t length) override { return inner_->Truncate(length); }
  Status Sync() override { return inner_->Sync(); }
  Result<uint64_t> Size() override { return inner_->Size(); }
  int flags() const override { return inner_->flags(); }

 private:
  std::unique_ptr<mrm::channel::File> inner_;
  const std::function<bool()>& cancelled_;  // the file system's; it outlives its files
};

}  // namespace

Result<std::unique_ptr<mrm::channel::File>> CancellableFileSystem::Open(const std::string& path, int flags,
                                                                        mode_t mode) {
  if (cancelled_()) return CancelledError();
  auto file = inner_.Open(path, flags, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<mrm::channel::File>(std::make_unique<CancellableFile>(std::move(*file), cancelled_));
}

}  // namespace dioh::migration
