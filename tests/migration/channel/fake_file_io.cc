#include "tests/migration/channel/fake_file_io.h"

#include <pthread.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>


namespace mrm::channel {

bool FakeOp::direct() const { return (flags & O_DIRECT) != 0; }

namespace {

// The kernel's name of the calling thread (pthread_setname_np, prctl).
std::string CallingThreadName() {
  char name[16] = {};
  ::pthread_getname_np(::pthread_self(), name, sizeof name);
  return name;
}

using State = FakeFileSystem::State;

class FakeFile final : public File {
 public:
  FakeFile(std::shared_ptr<State> state, std::shared_ptr<std::vector<uint8_t>> data, std::string path, int flags,
           int id)
      : state_(std::move(state)), data_(std::move(data)), path_(std::move(path)), flags_(flags), id_(id) {}
  ~FakeFile() override {
    std::lock_guard lock(state_->mu);
    state_->ops.push_back(Op(FakeOp::kClose, 0, 0, 0, true));
  }
  FakeFile(const FakeFile&) = delete;
  FakeFile& operator=(const FakeFile&) = delete;

  dioh::Result<size_t> PWritev(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    std::lock_guard lock(state_->mu);
    const uint64_t len = Total(iov, iovcnt);
    FakeOp op = Op(FakeOp::kWrite, offset, len, iovcnt, Aligned(iov, iovcnt));
    const FakeOptions& o = state_->options;
    int err = 0;
    if ((flags_ & O_ACCMODE) == O_RDONLY) err = EBADF;
    else if (DirectViolation(op)) err = EINVAL;
    else if (o.write_errno && (o.write_errno_end == 0 || (offset < o.write_errno_end && offset + len > o.write_errno_begin)))
      err = o.write_errno;
    else if (o.direct_write_errno && op.direct()) err = o.direct_write_errno;
    uint64_t n = len;
    if (!err && o.short_write_limit) n = std::min(n, o.short_write_limit);
    if (!err && o.capacity && offset + n > o.capacity) {
      if (offset >= o.capacity) err = ENOSPC;
      else n = o.capacity - offset;
    }
    op.error = err;
    state_->ops.push_back(op);
    if (err) return dioh::ErrnoStatus(err, "pwritev");
    if (data_->size() < offset + n) data_->resize(offset + n, 0);
    uint64_t done = 0;
    for (int i = 0; i < iovcnt && done < n; ++i) {
      const uint64_t chunk = std::min<uint64_t>(iov[i].iov_len, n - done);
      std::memcpy(data_->data() + offset + done, iov[i].iov_base, chunk);
      done += chunk;
    }
    return static_cast<size_t>(n);
  }

  dioh::Result<size_t> PReadv(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    std::lock_guard lock(state_->mu);
    const uint64_t len = Total(iov, iovcnt);
    FakeOp op = Op(FakeOp::kRead, offset, len, iovcnt, Aligned(iov, iovcnt));
    int err = 0;
    if ((flags_ & O_ACCMODE) == O_WRONLY) err = EBADF;
    else if (DirectViolation(op)) err = EINVAL;
    op.error = err;
    state_->ops.push_back(op);
    if (err) return dioh::ErrnoStatus(err, "preadv");
    uint64_t n = offset >= data_->size() ? 0 : std::min<uint64_t>(len, data_->size() - offset);
    if (state_->options.short_read_limit) n = std::min(n, state_->options.short_read_limit);
    uint64_t done = 0;
    for (int i = 0; i < iovcnt && done < n; ++i) {
      const uint64_t chunk = std::min<uint64_t>(iov[i].iov_len, n - done);
      std::memcpy(iov[i].iov_base, data_->data() + offset + done, chunk);
      done += chunk;
    }
    return static_cast<size_t>(n);
  }

  dioh::Status Truncate(uint64_t length) override {
    std::lock_guard lock(state_->mu);
    FakeOp op = Op(FakeOp::kTruncate, 0, length, 0, true);
    op.error = state_->options.truncate_errno;
    state_->ops.push_back(op);
    if (op.error) return dioh::ErrnoStatus(op.error, "ftruncate");
    data_->resize(length, 0);
    return dioh::Status::Ok();
  }
  dioh::Status Sync() override {
    std::lock_guard lock(state_->mu);
    state_->ops.push_back(Op(FakeOp::kSync, 0, 0, 0, true));
    return dioh::Status::Ok();
  }
  dioh::Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    return static_cast<uint64_t>(data_->size());
  }
  int flags() const override { return flags_; }

 private:
  FakeOp Op(FakeOp::Kind kind, uint64_t offset, uint64_t length, int iovcnt, bool aligned) const {
    FakeOp op;
    op.kind = kind;
    op.file_id = id_;
    op.path = path_;
    op.flags = flags_;
    op.offset = offset;
    op.length = length;
    op.iovcnt = iovcnt;
    op.buffers_aligned = aligned;
    op.thread = CallingThreadName();
    return op;
  }
  static uint64_t Total(const struct iovec* iov, int iovcnt) {
    uint64_t total = 0;
    for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
    return total;
  }
  bool Aligned(const struct iovec* iov, int iovcnt) const {
    const uint64_t a = state_->options.direct_alignment;
    for (int i = 0; i < iovcnt; ++i) {
      if (reinterpret_cast<uintptr_t>(iov[i].iov_base) % a != 0 || iov[i].iov_len % a != 0) return false;
    }
    return true;
  }
  // What a 4Kn device refuses under O_DIRECT (Documentation/filesystems: the
  // offset, length and user buffer must be logical-block aligned).
  bool DirectViolation(const FakeOp& op) const {
    const uint64_t a = state_->options.direct_alignment;
    return op.direct() && (op.offset % a != 0 || op.length % a != 0 || !op.buffers_aligned);
  }

  std::shared_ptr<State> state_;
  std::shared_ptr<std::vector<uint8_t>> data_;
  std::string path_;
  int flags_;
  int id_;
};

}  // namespace

dioh::Result<std::unique_ptr<File>> FakeFileSystem::Open(const std::string& path, int flags, mode_t /*mode*/) {
  std::lock_guard lock(state_->mu);
  FakeOp op;
  op.kind = FakeOp::kOpen;
  op.path = path;
  op.flags = flags;
  op.file_id = state_->next_file_id;
  op.thread = CallingThreadName();
  auto it = state_->files.find(path);
  if ((flags & O_DIRECT) && !state_->options.direct_supported) op.error = EINVAL;
  else if (it == state_->files.end() && !(flags & O_CREAT)) op.error = ENOENT;
  state_->ops.push_back(op);
  if (op.error) return dioh::ErrnoStatus(op.error, "open");
  if (it == state_->files.end()) it = state_->files.emplace(path, std::make_shared<std::vector<uint8_t>>()).first;
  if (flags & O_TRUNC) it->second->clear();
  return std::unique_ptr<File>(new FakeFile(state_, it->second, path, flags, state_->next_file_id++));
}

void FakeFileSystem::PutFile(const std::string& path, std::vector<uint8_t> bytes) {
  std::lock_guard lock(state_->mu);
  state_->files[path] = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
}

std::vector<uint8_t> FakeFileSystem::Contents(const std::string& path) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->files.find(path);
  return it == state_->files.end() ? std::vector<uint8_t>() : *it->second;
}

std::vector<FakeOp> FakeFileSystem::Ops() const {
  std::lock_guard lock(state_->mu);
  return state_->ops;
}

}  // namespace mrm::channel
