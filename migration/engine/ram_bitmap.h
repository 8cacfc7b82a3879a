// The per-block file bitmap (RAMBlock->file_bmap): set = page data on disk,
// clear = zero page or never written. Channel threads set and clear bits
// concurrently, so words are atomic. Serialized as the host's unsigned long
// array, little-endian on x86_64: page i is byte i/8, bit i%8.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace mrm::engine {

class RamBitmap {
 public:
  explicit RamBitmap(uint64_t pages) : pages_(pages), words_(new std::atomic<uint64_t>[(pages + 63) / 64]) {
    for (uint64_t i = 0; i < word_count(); ++i) words_[i].store(0, std::memory_order_relaxed);
  }
  uint64_t pages() const { return pages_; }
  uint64_t word_count() const { return (pages_ + 63) / 64; }
  void Set(uint64_t page) { words_[page / 64].fetch_or(Bit(page), std::memory_order_relaxed); }
  void Clear(uint64_t page) { words_[page / 64].fetch_and(~Bit(page), std::memory_order_relaxed); }
  bool Test(uint64_t page) const { return (words_[page / 64].load(std::memory_order_relaxed) & Bit(page)) != 0; }

  std::vector<uint8_t> Serialize() const {
    std::vector<uint8_t> out(word_count() * 8);
    for (uint64_t w = 0; w < word_count(); ++w) {
      const uint64_t v = words_[w].load(std::memory_order_relaxed);
      for (int b = 0; b < 8; ++b) out[w * 8 + static_cast<uint64_t>(b)] = static_cast<uint8_t>(v >> (8 * b));
    }
    return out;
  }

 private:
  static uint64_t Bit(uint64_t page) { return uint64_t{1} << (page % 64); }
  uint64_t pages_;
  std::unique_ptr<std::atomic<uint64_t>[]> words_;
};

// Bit `page` of a serialized bitmap.
inline bool SerializedBitSet(const std::vector<uint8_t>& bitmap, uint64_t page) {
  return (bitmap[page / 8] >> (page % 8)) & 1;
}

}  // namespace mrm::engine
