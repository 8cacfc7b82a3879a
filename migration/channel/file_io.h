// The I/O seam of migration/: every open, positioned read/write, truncate and
// sync goes through FileSystem/File, so the engine runs on a real POSIX
// filesystem or, in tests, on a strict in-memory fake that records each call
// (tests/migration/channel/fake_file_io.h).
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status/status.h"

namespace mrm::channel {

class File {
 public:
  virtual ~File() = default;
  // Positioned I/O returns the byte count the kernel returned: short counts
  // are values the caller must check, errors are Status (errno code).
  virtual dioh::Result<size_t> PWritev(const struct iovec* iov, int iovcnt, uint64_t offset) = 0;
  virtual dioh::Result<size_t> PReadv(const struct iovec* iov, int iovcnt, uint64_t offset) = 0;
  virtual dioh::Status Truncate(uint64_t length) = 0;
  virtual dioh::Status Sync() = 0;
  virtual dioh::Result<uint64_t> Size() = 0;
  virtual int flags() const = 0;  // the open(2) flags it was opened with

  dioh::Result<size_t> PWrite(const void* data, size_t len, uint64_t offset);
  dioh::Result<size_t> PRead(void* data, size_t len, uint64_t offset);
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual dioh::Result<std::unique_ptr<File>> Open(const std::string& path, int flags, mode_t mode = 0600) = 0;
};

// The real thing: open(2), pwritev(2), preadv(2), ftruncate(2), fsync(2).
FileSystem& PosixFileSystem();

}  // namespace mrm::channel
