// The op log's one seam to the operating system: an append-only output file
// and whole-file reads. Everything else in fs/oplog is pure computation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace diofs::oplog {

// A file opened for writing from its start (created or truncated), written
// sequentially with write(2). Not thread-safe: the LogWriter serialises use.
class OutputFile {
 public:
  static dioh::Result<OutputFile> Create(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // Writes every byte (retries short writes and EINTR).
  dioh::Status Append(std::span<const std::byte> bytes);
  dioh::Status Sync();  // fdatasync(2)
  dioh::Status Close();
  const std::string& path() const { return path_; }

 private:
  OutputFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

dioh::Result<std::vector<std::byte>> ReadWholeFile(const std::string& path);
dioh::Status WriteWholeFile(const std::string& path, std::span<const std::byte> bytes);

// CLOCK_REALTIME and CLOCK_MONOTONIC in nanoseconds.
std::uint64_t RealtimeNs();
std::uint64_t MonotonicNs();

}  // namespace diofs::oplog
