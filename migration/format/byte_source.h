// Random-access input for the stream parser, and a cursor over it that keeps
// the first error (with its byte offset) so parsing code reads straight on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace mrm::format {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Fills `out` entirely from `offset`, or fails (EIO for I/O, never short).
  virtual dioh::Status ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
};

// A source over bytes in memory (tests, small files).
class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  dioh::Status ReadAt(uint64_t offset, std::span<uint8_t> out) const override;

 private:
  std::span<const uint8_t> bytes_;
};

// printf into a std::string (error messages in QEMU's wording).
std::string StringPrintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// "offset 0x1a2b: message" — every format error names where it was found.
dioh::Status FormatError(uint64_t offset, const std::string& message);

// Sequential reads through a window cache. After the first failure every read
// returns zeros and `status()` keeps that first error.
class StreamCursor {
 public:
  explicit StreamCursor(const ByteSource& source) : source_(source) {}

  uint64_t offset() const { return offset_; }
  uint64_t file_size() const { return source_.size(); }
  bool ok() const { return status_.ok(); }
  const dioh::Status& status() const { return status_; }
  // Records `message` at `at` unless an earlier error is kept.
  void Fail(uint64_t at, const std::string& message);

  uint8_t U8() { return static_cast<uint8_t>(Be(1)); }
  uint16_t Be16() { return static_cast<uint16_t>(Be(2)); }
  uint32_t Be32() { return static_cast<uint32_t>(Be(4)); }
  uint64_t Be64() { return Be(8); }
  std::vector<uint8_t> Bytes(uint64_t n);
  std::string String(uint64_t n);
  // The next byte without consuming it; -1 at end of file or after an error.
  int Peek();
  void Seek(uint64_t offset) { offset_ = offset; }
  bool AtEnd() const { return offset_ >= source_.size(); }
  // Reads at an absolute offset without moving the cursor.
  std::vector<uint8_t> BytesAt(uint64_t offset, uint64_t n, const char* what);

 private:
  uint64_t Be(int width);
  bool Fill(uint64_t offset, uint8_t* out, uint64_t n, const char* what);

  static constexpr uint64_t kWindow = 64 * 1024;
  const ByteSource& source_;
  uint64_t offset_ = 0;
  dioh::Status status_;
  std::vector<uint8_t> window_;
  uint64_t window_offset_ = 0;
};

}  // namespace mrm::format
