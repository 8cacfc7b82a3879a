#include "migration/format/mapped_ram_layout.h"

#include <gtest/gtest.h>

#include "migration/format/stream_constants.h"

namespace mrm::format {
namespace {

// MAPPED-RAM.md worked example: one 2 MiB pc.ram, machine pc-q35-9.1 -> the
// block record at 0x5f, header at 0x6e, bitmap at 0x8a (64 bytes), pages at 0x100000.
TEST(MappedRamLayout, WorkedExample) {
  BlockLayout l = ComputeBlockLayout(0x5f, 6, 2u << 20, 4096);
  EXPECT_EQ(l.header_offset, 0x6eu);
  EXPECT_EQ(l.bitmap_offset, 0x8au);
  EXPECT_EQ(l.bitmap_size, 64u);
  EXPECT_EQ(l.pages_offset, 0x100000u);
  EXPECT_EQ(l.next_record_offset, 0x300000u);
}

// The golden file's second block: record right after pc.ram's pages.
TEST(MappedRamLayout, GoldenRomBlock) {
  BlockLayout l = ComputeBlockLayout(0x2100000, 20, 131072, 4096);
  EXPECT_EQ(l.bitmap_offset, 34603065u);
  EXPECT_EQ(l.pages_offset, 35651584u);
}

TEST(MappedRamLayout, BitmapIsWholeLongs) {
  EXPECT_EQ(BitmapSizeBytes(1), 8u);
  EXPECT_EQ(BitmapSizeBytes(64), 8u);
  EXPECT_EQ(BitmapSizeBytes(65), 16u);
  EXPECT_EQ(BitmapSizeBytes(8192), 1024u);
}

TEST(MappedRamLayout, InjectedRoundingsDiffer) {
  // A stream started at offset 0x1000 (file:…,offset=4096).
  BlockLayout qemu = ComputeBlockLayout(0x1060, 6, 1u << 20, 4096);
  BlockLayout page = ComputeBlockLayout(0x1060, 6, 1u << 20, 4096, RegionRounding::kPageOnly);
  BlockLayout relative = ComputeBlockLayout(0x1060, 6, 1u << 20, 4096, RegionRounding::kRelativeToStart, 0x1000);
  EXPECT_EQ(qemu.pages_offset, 0x100000u);
  EXPECT_EQ(page.pages_offset, 0x2000u);
  EXPECT_EQ(relative.pages_offset, 0x101000u);
}

TEST(MappedRamLayout, HeaderRoundTripsBigEndian) {
  MappedRamHeader h{1, 4096, 0x8a, 0x100000};
  auto bytes = EncodeMappedRamHeader(h);
  const uint8_t expected_prefix[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x10, 0};
  EXPECT_TRUE(std::equal(std::begin(expected_prefix), std::end(expected_prefix), bytes.begin()));
  MappedRamHeader back = DecodeMappedRamHeader(bytes.data());
  EXPECT_EQ(back.version, 1u);
  EXPECT_EQ(back.page_size, 4096u);
  EXPECT_EQ(back.bitmap_offset, 0x8au);
  EXPECT_EQ(back.pages_offset, 0x100000u);
}

}  // namespace
}  // namespace mrm::format
