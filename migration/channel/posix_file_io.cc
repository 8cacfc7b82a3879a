#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "migration/channel/file_io.h"

namespace mrm::channel {

dioh::Result<size_t> File::PWrite(const void* data, size_t len, uint64_t offset) {
  struct iovec iov = {const_cast<void*>(data), len};
  return PWritev(&iov, 1, offset);
}

dioh::Result<size_t> File::PRead(void* data, size_t len, uint64_t offset) {
  struct iovec iov = {data, len};
  return PReadv(&iov, 1, offset);
}

namespace {

class PosixFile final : public File {
 public:
  PosixFile(int fd, int flags) : fd_(fd), flags_(flags) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  dioh::Result<size_t> PWritev(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    ssize_t n;
    do n = ::pwritev(fd_, iov, iovcnt, static_cast<off_t>(offset));
    while (n < 0 && errno == EINTR);
    if (n < 0) return dioh::ErrnoStatus(errno, "pwritev");
    return static_cast<size_t>(n);
  }
  dioh::Result<size_t> PReadv(const struct iovec* iov, int iovcnt, uint64_t offset) override {
    ssize_t n;
    do n = ::preadv(fd_, iov, iovcnt, static_cast<off_t>(offset));
    while (n < 0 && errno == EINTR);
    if (n < 0) return dioh::ErrnoStatus(errno, "preadv");
    return static_cast<size_t>(n);
  }
  dioh::Status Truncate(uint64_t length) override {
    if (::ftruncate(fd_, static_cast<off_t>(length)) != 0) return dioh::ErrnoStatus(errno, "ftruncate");
    return dioh::Status::Ok();
  }
  dioh::Status Sync() override {
    if (::fsync(fd_) != 0) return dioh::ErrnoStatus(errno, "fsync");
    return dioh::Status::Ok();
  }
  dioh::Result<uint64_t> Size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return dioh::ErrnoStatus(errno, "fstat");
    return static_cast<uint64_t>(st.st_size);
  }
  int flags() const override { return flags_; }

 private:
  int fd_;
  int flags_;
};

class PosixFs final : public FileSystem {
 public:
  dioh::Result<std::unique_ptr<File>> Open(const std::string& path, int flags, mode_t mode) override {
    int fd;
    do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return dioh::ErrnoStatus(errno, "open");
    return std::unique_ptr<File>(new PosixFile(fd, flags));
  }
};

}  // namespace

FileSystem& PosixFileSystem() {
  static PosixFs fs;  // stateless
  return fs;
}

}  // namespace mrm::channel
