// Big-endian encoding of the migration stream's integers (qemu_put_be*).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mrm::format {

inline uint64_t LoadBe(const uint8_t* p, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | p[i];
  return v;
}

inline void StoreBe(uint8_t* p, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

// Appends stream fields to a byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>* out) : out_(out) {}
  void U8(uint8_t v) { out_->push_back(v); }
  void Be16(uint16_t v) { Put(v, 2); }
  void Be32(uint32_t v) { Put(v, 4); }
  void Be64(uint64_t v) { Put(v, 8); }
  void Bytes(std::string_view s) { out_->insert(out_->end(), s.begin(), s.end()); }
  // u8 length + bytes (qemu_put_counted_string); the caller keeps len < 256.
  void CountedString(std::string_view s) {
    U8(static_cast<uint8_t>(s.size()));
    Bytes(s);
  }
  size_t size() const { return out_->size(); }

 private:
  void Put(uint64_t v, int width) {
    size_t at = out_->size();
    out_->resize(at + static_cast<size_t>(width));
    StoreBe(out_->data() + at, v, width);
  }
  std::vector<uint8_t>* out_;
};

}  // namespace mrm::format
