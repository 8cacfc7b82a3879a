#include "migration/engine/save.h"

#include <gtest/gtest.h>

#include "migration/engine/page_sender.h"
#include "migration/format/big_endian.h"
#include "migration/format/stream_constants.h"
#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

using channel::FakeFileSystem;
using channel::FakeOp;
using testing::MakeSave;
using testing::SaveAndLoad;
using model::ZeroPageDetection;

const std::vector<ram::RamBlockSpec> kOddBlocks = {{"pc.ram", (1 << 20) + 4096}, {"/rom@etc/acpi/tables", 4096},
                                                   {"vga.vram", 3 << 20}};

TEST(Save, RoundTripsOverChannelsAndDirectIo) {
  for (uint32_t channels : {0u, 1u, 2u, 4u, 8u}) {
    for (bool direct : {false, true}) {
      SCOPED_TRACE("channels " + std::to_string(channels) + " direct " + std::to_string(direct));
      FakeFileSystem fs;
      auto r = SaveAndLoad(fs, kOddBlocks, MakeSave(channels, direct, {3, 0.5, 0}));
      ASSERT_EQ(r.saved.state, MigrationState::kCompleted) << r.saved.error_desc;
      ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.loaded.error_desc;
      EXPECT_EQ(r.saved.ram.normal_pages + r.saved.ram.zero_pages, (4u << 20) / 4096 + 2);
      EXPECT_EQ(r.loaded.ram.normal_pages, r.saved.ram.normal_pages);
    }
  }
}

// The odd sizes: 4 KiB, 1 MiB + 4 KiB and 64 MiB in one machine.
TEST(Save, SixtyFourMiBBlockRoundTrip) {
  FakeFileSystem fs;
  auto r = SaveAndLoad(fs, {{"pc.ram", 64 << 20}, {"/rom@etc/acpi/rsdp", 4096}, {"vga.vram", (1 << 20) + 4096}},
                       MakeSave(4, true, {17, 0.9, 0}));
  ASSERT_EQ(r.saved.state, MigrationState::kCompleted) << r.saved.error_desc;
  ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.loaded.error_desc;
  EXPECT_GT(r.saved.ram.normal_pages, 1000u);
}

TEST(Save, ZeroFractionsAndDetectionModes) {
  for (double zero : {0.0, 0.5, 1.0}) {
    for (ZeroPageDetection z : {ZeroPageDetection::kNone, ZeroPageDetection::kLegacy, ZeroPageDetection::kMultifd}) {
      SCOPED_TRACE(std::to_string(zero) + " " + std::string(ZeroPageDetectionName(z)));
      FakeFileSystem fs;
      SaveConfig c = MakeSave(2, true, {9, zero, 0});
      c.zero_page_detection = z;
      auto r = SaveAndLoad(fs, {{"pc.ram", 1 << 20}}, c);
      ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.saved.error_desc << r.loaded.error_desc;
      auto parsed = testing::ParseFake(fs, c.path);
      ASSERT_TRUE(parsed.ok());
      const uint64_t data = parsed->ram_blocks[0].data_pages;
      uint64_t expected = 256;  // "none" sends every page as data
      if (z != ZeroPageDetection::kNone && zero == 1.0) expected = 0;
      if (z != ZeroPageDetection::kNone && zero == 0.5) expected = r.saved.ram.normal_pages;
      EXPECT_EQ(data, expected);
      if (zero == 0.5 && z != ZeroPageDetection::kNone) {
        EXPECT_GT(data, 80u);
        EXPECT_LT(data, 176u);
      }
    }
  }
}

TEST(Save, LiveThreePassesWithDataToZeroPages) {
  FakeFileSystem fs;
  SaveConfig c = MakeSave(4, true, {21, 0.5, 0.3});
  c.passes = 3;
  auto r = SaveAndLoad(fs, kOddBlocks, c);
  ASSERT_EQ(r.saved.state, MigrationState::kCompleted) << r.saved.error_desc;
  ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.loaded.error_desc;
  EXPECT_EQ(r.saved.ram.dirty_sync_count, 3u);
  auto parsed = testing::ParseFake(fs, c.path);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ram_sections_after_start, (std::vector<std::string>{"part", "part", "end"}));
}

// MAPPED-RAM.md worked example: one 2 MiB pc.ram, machine pc-q35-9.1, section id 2.
TEST(Save, WorkedExampleOffsetsByteForByte) {
  FakeFileSystem fs;
  SaveConfig c = MakeSave(2, true, {1, 0.5, 0});
  ram::HostRam ram = testing::MakeRam({{"pc.ram", 2 << 20}}, c.content);
  ASSERT_EQ(SaveMigration(fs, ram, c).state, MigrationState::kCompleted);
  std::vector<uint8_t> b = fs.Contents(c.path);
  using format::LoadBe;
  EXPECT_EQ(LoadBe(&b[0], 4), format::kFileMagic);
  EXPECT_EQ(b[0x08], format::kConfiguration);
  EXPECT_EQ(b[0x17], format::kSubsection);
  EXPECT_EQ(b[0x46], format::kSectionStart);
  EXPECT_EQ(LoadBe(&b[0x47], 4), 2u);
  EXPECT_EQ(LoadBe(&b[0x57], 8), (2u << 20) | format::kRamFlagMemSize);
  EXPECT_EQ(std::string(b.begin() + 0x60, b.begin() + 0x66), "pc.ram");
  EXPECT_EQ(LoadBe(&b[0x66], 8), 2u << 20);
  EXPECT_EQ(LoadBe(&b[0x6e], 4), 1u);
  EXPECT_EQ(LoadBe(&b[0x72], 8), 4096u);
  EXPECT_EQ(LoadBe(&b[0x7a], 8), 0x8au);
  EXPECT_EQ(LoadBe(&b[0x82], 8), 0x100000u);
  EXPECT_EQ(LoadBe(&b[0x300000], 8), format::kRamFlagEos);
  EXPECT_EQ(b[0x300008], format::kSectionFooter);
  // bitmap at 0x8a: 512 bits, the rest of its 64 bytes zero
  auto parsed = testing::ParseFake(fs, c.path);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ram_blocks[0].bitmap.size(), 64u);
  uint64_t nonzero = 0;
  for (uint64_t p = 0; p < 512; ++p) nonzero += !IsZeroPage(ram.blocks()[0].page(p));
  EXPECT_EQ(parsed->ram_blocks[0].data_pages, nonzero);
  EXPECT_GT(nonzero, 150u);
  EXPECT_LT(nonzero, 362u);
}

}  // namespace
}  // namespace mrm::engine
