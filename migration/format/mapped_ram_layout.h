// The mapped-ram per-block header and the file layout arithmetic of
// ram.c:mapped_ram_setup_ramblock().
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mrm::format {

// struct MappedRamHeader (ram.c), packed, every field big-endian: 28 bytes.
struct MappedRamHeader {
  uint32_t version = 0;
  uint64_t page_size = 0;
  uint64_t bitmap_offset = 0;
  uint64_t pages_offset = 0;
};
inline constexpr size_t kMappedRamHeaderSize = 28;

std::array<uint8_t, kMappedRamHeaderSize> EncodeMappedRamHeader(const MappedRamHeader& h);
MappedRamHeader DecodeMappedRamHeader(const uint8_t* bytes);

inline uint64_t RoundUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// Bitmap of a block: one bit per page, stored as host `unsigned long`s (8
// bytes on x86_64): BITS_TO_LONGS(pages) * sizeof(long).
inline uint64_t BitmapSizeBytes(uint64_t pages) { return RoundUp(pages, 64) / 8; }

// Where each part of one block's record lands in the file.
struct BlockLayout {
  uint64_t record_offset = 0;      // the u8 idstr length
  uint64_t header_offset = 0;      // the MappedRamHeader
  uint64_t bitmap_offset = 0;      // right after the header
  uint64_t bitmap_size = 0;
  uint64_t pages_offset = 0;       // page i at pages_offset + i * page_size
  uint64_t next_record_offset = 0; // pages_offset + used_length
};

// How the pages region start is rounded. QEMU rounds the absolute offset up to
// MAPPED_RAM_FILE_OFFSET_ALIGNMENT; the other two are injected mistakes.
enum class RegionRounding {
  kAbsolute1MiB,       // QEMU
  kPageOnly,           // x-inject unaligned-pages-offset: round to the page size only
  kRelativeToStart,    // x-inject relative-rounding: round (offset - start) to 1 MiB
};

// `record_offset` is where the block's `u8 len, idstr` begins; `stream_start`
// is the file:…,offset=N start (only kRelativeToStart uses it).
BlockLayout ComputeBlockLayout(uint64_t record_offset, size_t idstr_len, uint64_t used_length,
                               uint64_t page_size, RegionRounding rounding = RegionRounding::kAbsolute1MiB,
                               uint64_t stream_start = 0);

}  // namespace mrm::format
