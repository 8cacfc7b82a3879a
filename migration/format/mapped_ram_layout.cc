#include "migration/format/mapped_ram_layout.h"

#include "migration/format/big_endian.h"
#include "migration/format/stream_constants.h"

namespace mrm::format {

std::array<uint8_t, kMappedRamHeaderSize> EncodeMappedRamHeader(const MappedRamHeader& h) {
  std::array<uint8_t, kMappedRamHeaderSize> out{};
  StoreBe(out.data(), h.version, 4);
  StoreBe(out.data() + 4, h.page_size, 8);
  StoreBe(out.data() + 12, h.bitmap_offset, 8);
  StoreBe(out.data() + 20, h.pages_offset, 8);
  return out;
}

MappedRamHeader DecodeMappedRamHeader(const uint8_t* bytes) {
  MappedRamHeader h;
  h.version = static_cast<uint32_t>(LoadBe(bytes, 4));
  h.page_size = LoadBe(bytes + 4, 8);
  h.bitmap_offset = LoadBe(bytes + 12, 8);
  h.pages_offset = LoadBe(bytes + 20, 8);
  return h;
}

BlockLayout ComputeBlockLayout(uint64_t record_offset, size_t idstr_len, uint64_t used_length,
                               uint64_t page_size, RegionRounding rounding, uint64_t stream_start) {
  BlockLayout l;
  l.record_offset = record_offset;
  // u8 len, idstr, be64 used_length (ram_save_setup), then the header.
  l.header_offset = record_offset + 1 + idstr_len + 8;
  l.bitmap_offset = l.header_offset + kMappedRamHeaderSize;
  l.bitmap_size = BitmapSizeBytes(used_length / page_size);
  const uint64_t bitmap_end = l.bitmap_offset + l.bitmap_size;
  switch (rounding) {
    case RegionRounding::kAbsolute1MiB:
      l.pages_offset = RoundUp(bitmap_end, kMappedRamFileOffsetAlignment);
      break;
    case RegionRounding::kPageOnly:
      l.pages_offset = RoundUp(bitmap_end, page_size);
      break;
    case RegionRounding::kRelativeToStart:
      l.pages_offset = stream_start + RoundUp(bitmap_end - stream_start, kMappedRamFileOffsetAlignment);
      break;
  }
  l.next_record_offset = l.pages_offset + used_length;
  return l;
}

}  // namespace mrm::format
