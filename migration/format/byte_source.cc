#include "migration/format/byte_source.h"

#include <cerrno>
#include <cstdarg>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "migration/format/big_endian.h"

namespace mrm::format {

dioh::Status MemoryByteSource::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
    return dioh::Status::Error(EIO, "read beyond the end of the data");
  }
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return dioh::Status::Ok();
}

std::string StringPrintf(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

dioh::Status FormatError(uint64_t offset, const std::string& message) {
  char where[40];
  std::snprintf(where, sizeof where, "offset 0x%" PRIx64, offset);
  return dioh::Status::Error(EINVAL, std::string(where) + ": " + message);
}

void StreamCursor::Fail(uint64_t at, const std::string& message) {
  if (status_.ok()) status_ = FormatError(at, message);
}

bool StreamCursor::Fill(uint64_t offset, uint8_t* out, uint64_t n, const char* what) {
  if (n == 0) return ok();  // a zero-length field; `out` may be null
  if (!ok()) {
    std::memset(out, 0, n);
    return false;
  }
  const uint64_t size = source_.size();
  if (offset > size || n > size - offset) {
    char msg[160];
    std::snprintf(msg, sizeof msg,
                  "unexpected end of file reading %s (need %" PRIu64 " bytes, file has %" PRIu64 ")", what,
                  n, size);
    Fail(offset, msg);
    std::memset(out, 0, n);
    return false;
  }
  const bool in_window = offset >= window_offset_ && offset + n <= window_offset_ + window_.size();
  if (!in_window && n <= kWindow) {
    window_offset_ = offset;
    window_.resize(std::min<uint64_t>(kWindow, size - offset));
    dioh::Status s = source_.ReadAt(offset, window_);
    if (!s.ok()) {
      window_.clear();
      Fail(offset, "read failed: " + s.message());
      std::memset(out, 0, n);
      return false;
    }
  } else if (!in_window) {
    dioh::Status s = source_.ReadAt(offset, std::span<uint8_t>(out, n));
    if (!s.ok()) Fail(offset, "read failed: " + s.message());
    return s.ok();
  }
  std::memcpy(out, window_.data() + (offset - window_offset_), n);
  return true;
}

uint64_t StreamCursor::Be(int width) {
  uint8_t buf[8];
  const uint64_t at = offset_;
  offset_ += static_cast<uint64_t>(width);
  if (!Fill(at, buf, static_cast<uint64_t>(width), "an integer")) return 0;
  return LoadBe(buf, width);
}

std::vector<uint8_t> StreamCursor::Bytes(uint64_t n) {
  std::vector<uint8_t> out = BytesAt(offset_, n, "bytes");
  offset_ += n;
  return out;
}

std::vector<uint8_t> StreamCursor::BytesAt(uint64_t offset, uint64_t n, const char* what) {
  if (n > source_.size()) {  // never allocate for a corrupt length
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s of %" PRIu64 " bytes exceeds the file size %" PRIu64, what, n,
                  source_.size());
    Fail(offset, msg);
    return {};
  }
  std::vector<uint8_t> out(n);
  if (!Fill(offset, out.data(), n, what)) return {};
  return out;
}

std::string StreamCursor::String(uint64_t n) {
  std::vector<uint8_t> b = Bytes(n);
  return std::string(b.begin(), b.end());
}

int StreamCursor::Peek() {
  if (!ok() || AtEnd()) return -1;
  uint8_t b = 0;
  Fill(offset_, &b, 1, "a byte");
  return b;
}

}  // namespace mrm::format
