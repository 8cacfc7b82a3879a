// PassthroughFile: an open real file of the passthrough backend (the
// backing descriptor, opened without O_DIRECT: diofs enforces the profile's
// rules itself), and the helpers the backend shares with it.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "fs/core/backend.h"
#include "fs/core/beneath.h"

namespace diofs {

// errno (read now) as a Status: "<what> <path>: <strerror>".
dioh::Status Errno(std::string_view what, std::string_view path);

NodeAttr FromStat(const struct stat& st);

class PassthroughFile final : public BackendFile {
 public:
  PassthroughFile(Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  dioh::Result<std::size_t> ReadAt(std::uint64_t offset, std::span<std::byte> out) override;
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data) override;
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) override;
  dioh::Status Resize(std::uint64_t size) override;
  dioh::Status Sync(bool data_only) override;
  dioh::Result<NodeAttr> Stat() override;
  dioh::Status RemoveSetIdBits(const Credentials& writer) override;

 private:
  Fd fd_;
  std::string path_;
};

}  // namespace diofs
