#include "fs/oplog/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace diofs::oplog {
namespace {

using dioh::ErrnoStatus;

std::uint64_t ClockNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

dioh::Status WriteAll(int fd, std::span<const std::byte> bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write " + path);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return dioh::Status::Ok();
}

}  // namespace

dioh::Result<OutputFile> OutputFile::Create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create " + path);
  return OutputFile(fd, path);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

dioh::Status OutputFile::Append(std::span<const std::byte> bytes) {
  if (fd_ < 0) return dioh::Status::Error(EBADF, "write " + path_ + ": file is closed");
  return WriteAll(fd_, bytes, path_);
}

dioh::Status OutputFile::Sync() {
  if (fd_ < 0) return dioh::Status::Error(EBADF, "sync " + path_ + ": file is closed");
  // /dev/null and pipes cannot sync; that is not an error for a log.
  if (::fdatasync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    return ErrnoStatus(errno, "fdatasync " + path_);
  }
  return dioh::Status::Ok();
}

dioh::Status OutputFile::Close() {
  if (fd_ < 0) return dioh::Status::Ok();
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return ErrnoStatus(errno, "close " + path_);
  return dioh::Status::Ok();
}

dioh::Result<std::vector<std::byte>> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open " + path);
  std::vector<std::byte> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.reserve(static_cast<std::size_t>(st.st_size));
  std::byte chunk[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return ErrnoStatus(error, "read " + path);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  ::close(fd);
  return bytes;
}

dioh::Status WriteWholeFile(const std::string& path, std::span<const std::byte> bytes) {
  auto file = OutputFile::Create(path);
  if (!file.ok()) return file.status();
  DIOH_RETURN_IF_ERROR(file->Append(bytes));
  return file->Close();
}

std::uint64_t RealtimeNs() { return ClockNs(CLOCK_REALTIME); }
std::uint64_t MonotonicNs() { return ClockNs(CLOCK_MONOTONIC); }

}  // namespace diofs::oplog
