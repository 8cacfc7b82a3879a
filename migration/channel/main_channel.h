// The main migration channel: a buffered, QEMUFile-like writer over one
// descriptor (never O_DIRECT unless a bug is injected), with a positioned
// write for the bitmaps (qemu_put_buffer_at) and a seek for the jump over each
// pages region (qemu_set_offset). And a ByteSource over a File for reading.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/format/byte_source.h"

namespace mrm::channel {

class MainChannelWriter {
 public:
  // Takes an opened file and truncates it to `start` (file.c:
  // file_start_outgoing_migration does ftruncate(fd, offset), never O_TRUNC),
  // then writes from `start`.
  static dioh::Result<std::unique_ptr<MainChannelWriter>> Start(std::unique_ptr<File> file, uint64_t start);

  void Put(std::span<const uint8_t> bytes);
  void Put(const std::vector<uint8_t>& bytes) { Put(std::span<const uint8_t>(bytes)); }
  // Flushes, then continues at `offset`.
  dioh::Status SetOffset(uint64_t offset);
  // Positioned write that does not move the stream position.
  dioh::Status PutAt(std::span<const uint8_t> bytes, uint64_t offset);
  dioh::Status Flush();
  uint64_t position() const { return flushed_to_ + buffer_.size(); }
  // The first error of any buffered write (QEMUFile's sticky error).
  // Its message is QEMU's ("Unable to write to file: <errno text>").
  const dioh::Status& status() const { return status_; }
  // Where the failing write was (offset, length): for stderr, not error-desc.
  const std::string& error_detail() const { return error_detail_; }
  File& file() { return *file_; }

 private:
  explicit MainChannelWriter(std::unique_ptr<File> file, uint64_t start) : file_(std::move(file)), flushed_to_(start) {}
  dioh::Status WriteFully(const uint8_t* data, size_t len, uint64_t offset);

  static constexpr size_t kBufferSize = 32768;  // IO_BUF_SIZE (qemu-file.c)
  std::unique_ptr<File> file_;
  uint64_t flushed_to_;
  std::vector<uint8_t> buffer_;
  dioh::Status status_;
  std::string error_detail_;
};

// Reads a File as a format::ByteSource (the incoming main channel).
class FileByteSource final : public format::ByteSource {
 public:
  static dioh::Result<std::unique_ptr<FileByteSource>> Open(std::unique_ptr<File> file);
  uint64_t size() const override { return size_; }
  File& file() const { return *file_; }
  dioh::Status ReadAt(uint64_t offset, std::span<uint8_t> out) const override;

 private:
  FileByteSource(std::unique_ptr<File> file, uint64_t size) : file_(std::move(file)), size_(size) {}
  std::unique_ptr<File> file_;
  uint64_t size_;
};

}  // namespace mrm::channel
