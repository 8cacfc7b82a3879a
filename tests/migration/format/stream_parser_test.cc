#include "migration/format/stream_parser.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "migration/format/stream_constants.h"
#include "tests/migration/format/golden_file.h"
#include "tests/migration/format/small_stream.h"

namespace mrm::format {
namespace {

using testing::BuildSmallStream;

dioh::Result<ParsedStream> Parse(const std::vector<uint8_t>& bytes) {
  MemoryByteSource source(bytes);
  return ParseMigrationFile(source);
}

TEST(StreamParser, GoldenQemuFileMatchesReadme) {
  const testing::GoldenFile* shared = testing::SharedGolden();
  if (shared == nullptr) GTEST_SKIP() << "golden fixture not found under " << DIOH_GOLDEN_DIRS;
  const testing::GoldenFile& golden = *shared;
  ASSERT_EQ(golden.bytes.size(), 39927233u);
  auto parsed = Parse(golden.bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const ParsedStream& s = *parsed;
  EXPECT_EQ(s.machine, "pc-q35-11.0");
  EXPECT_EQ(s.capabilities, std::vector<std::string>{"mapped-ram"});
  EXPECT_EQ(s.ram_sections_after_start, (std::vector<std::string>{"part", "end"}));
  EXPECT_EQ(s.vmdesc_page_size, 4096u);
  EXPECT_EQ(s.device_sections, 29u);
  EXPECT_EQ(s.vmdesc_devices.size(), 29u);
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].command, kCmdSwitchoverStart);
  struct Row {
    const char* idstr;
    uint64_t used_length, bitmap_offset, pages_offset, pages, data_pages;
  };
  const Row rows[] = {
      {"pc.ram", 33554432, 139, 1048576, 8192, 0},
      {"/rom@etc/acpi/tables", 131072, 34603065, 35651584, 32, 3},
      {"pc.bios", 262144, 35782700, 36700160, 64, 44},
      {"pc.rom", 131072, 36962347, 37748736, 32, 0},
      {"/rom@etc/table-loader", 4096, 37879866, 38797312, 1, 1},
      {"/rom@etc/acpi/rsdp", 4096, 38801463, 39845888, 1, 1},
  };
  ASSERT_EQ(s.ram_blocks.size(), std::size(rows));
  for (size_t i = 0; i < std::size(rows); ++i) {
    const RamBlockRecord& b = s.ram_blocks[i];
    SCOPED_TRACE(rows[i].idstr);
    EXPECT_EQ(b.idstr, rows[i].idstr);
    EXPECT_EQ(b.used_length, rows[i].used_length);
    EXPECT_EQ(b.header.bitmap_offset, rows[i].bitmap_offset);
    EXPECT_EQ(b.header.pages_offset, rows[i].pages_offset);
    EXPECT_EQ(b.pages, rows[i].pages);
    EXPECT_EQ(b.data_pages, rows[i].data_pages);
  }
}

TEST(StreamParser, GoldenCutAtEverySectionBoundaryFailsWithOffset) {
  const testing::GoldenFile* shared = testing::SharedGolden();
  if (shared == nullptr) GTEST_SKIP() << "golden fixture not found under " << DIOH_GOLDEN_DIRS;
  const testing::GoldenFile& golden = *shared;
  auto parsed = Parse(golden.bytes);
  ASSERT_TRUE(parsed.ok());
  std::vector<uint64_t> cuts = {0, 8, 9, parsed->eof_offset, parsed->eof_offset + 1, parsed->vmdesc_offset + 5,
                                golden.bytes.size() - 1};
  for (const SectionRecord& r : parsed->sections) cuts.insert(cuts.end(), {r.offset, r.offset + 3, r.end_offset - 2});
  for (const RamBlockRecord& b : parsed->ram_blocks) cuts.insert(cuts.end(), {b.record_offset, b.header_offset + 10});
  for (uint64_t cut : cuts) {
    // a prefix view, no copy
    MemoryByteSource prefix(std::span<const uint8_t>(golden.bytes.data(), cut));
    auto r = ParseMigrationFile(prefix);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().message().rfind("offset 0x", 0), 0u) << r.status().message();
  }
}

TEST(StreamParser, SmallStreamParses) {
  auto s = BuildSmallStream();
  auto parsed = Parse(s.bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ram_section_id, 2u);
  ASSERT_EQ(parsed->ram_blocks.size(), 2u);
  EXPECT_EQ(parsed->ram_blocks[0].data_pages, 171u);  // pages 0, 3, ..., 510
  EXPECT_EQ(parsed->ram_blocks[1].data_pages, 1u);
  EXPECT_EQ(parsed->device_sections, 4u);
  EXPECT_EQ(parsed->ram_sections_after_start, (std::vector<std::string>{"part", "end"}));
}

void PutBe64(std::vector<uint8_t>& bytes, uint64_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (56 - 8 * i));
}

// A crafted block record of used_length 0 whose pages region starts at the
// record itself: the next record is the same one. Once this looped without
// bound (each turn adding a block) until memory ran out.
TEST(StreamParser, BlockListThatPointsBackIsAnErrorNamingTheOffset) {
  auto s = BuildSmallStream();
  const uint64_t record = s.boundaries[2];  // "pc.ram"
  const uint64_t used_at = record + 1 + 6;
  const uint64_t header = used_at + 8;
  PutBe64(s.bytes, used_at, 0);
  PutBe64(s.bytes, header + 4, 1);        // page_size 1 divides 0
  PutBe64(s.bytes, header + 12, record);  // bitmap_offset (0 bytes of bitmap)
  PutBe64(s.bytes, header + 20, record);  // pages_offset: the next record is this one
  auto parsed = Parse(s.bytes);
  ASSERT_FALSE(parsed.ok());
  char expected[64];
  std::snprintf(expected, sizeof expected, "offset 0x%llx: RAM block list revisits offset 0x%llx",
                static_cast<unsigned long long>(record), static_cast<unsigned long long>(record));
  EXPECT_NE(parsed.status().message().find(expected), std::string::npos) << parsed.status().ToString();
}

// A device body that holds its own footer bytes followed by a FULL header of
// a device the description does not list is not mistaken for the footer.
TEST(StreamParser, DeviceBodyWithFooterLookalikeIsSkipped) {
  std::vector<uint8_t> bytes;
  ByteWriter w(&bytes);
  EncodeFileHeader(w);
  EncodeConfiguration(w, "pc", {kMappedRamCapability});
  EncodeSectionHeader(w, kSectionStart, 2, kRamIdstr, 0, kRamSectionVersion);
  w.Be64(4096 | kRamFlagMemSize);
  BlockLayout l = ComputeBlockLayout(w.size(), 1, 4096, kTargetPageSize);
  EncodeRamBlockRecord(w, "m", 4096, {1, kTargetPageSize, l.bitmap_offset, l.pages_offset});
  bytes.resize(l.next_record_offset, 0);
  w.Be64(kRamFlagEos);
  EncodeSectionFooter(w, 2);
  SyntheticDevice timer{"timer", 0, 1, {{"blob", "buffer", 0}}, {}};
  std::vector<uint8_t> body;
  ByteWriter bw(&body);
  EncodeSectionFooter(bw, 3);                               // looks like our footer...
  EncodeSectionHeader(bw, kSectionFull, 4, "bogus", 0, 1);  // ...followed by an unlisted device
  timer.body = body;
  timer.fields[0].size = static_cast<uint32_t>(body.size());
  EncodeSectionHeader(w, kSectionFull, 3, timer.name, 0, 1);
  bytes.insert(bytes.end(), body.begin(), body.end());
  EncodeSectionFooter(w, 3);
  EncodeEofAndVmDescription(w, BuildVmDescriptionJson("pc", {kMappedRamCapability}, 4096, {timer}));
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->device_sections, 1u);
  EXPECT_EQ(parsed->sections.back().end_offset, parsed->eof_offset);
}

void ExpectErrorWithOffset(const std::vector<uint8_t>& bytes, const std::string& what) {
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok()) << what << " parsed";
  EXPECT_EQ(parsed.status().message().rfind("offset 0x", 0), 0u) << what << ": " << parsed.status().message();
}

TEST(StreamParser, TruncatedAtEveryBoundaryAndRandomOffsetsFailsWithOffset) {
  auto s = BuildSmallStream();
  std::vector<uint64_t> cuts;
  for (uint64_t b : s.boundaries) {
    for (int64_t d : {-1, 0, 1, 5}) cuts.push_back(static_cast<uint64_t>(static_cast<int64_t>(b) + d));
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 100; ++i) cuts.push_back(rng() % s.bytes.size());
  cuts.push_back(s.bytes.size() - 1);
  for (uint64_t cut : cuts) {
    if (cut >= s.bytes.size()) continue;
    std::vector<uint8_t> truncated(s.bytes.begin(), s.bytes.begin() + static_cast<long>(cut));
    ExpectErrorWithOffset(truncated, "cut at " + std::to_string(cut));
  }
}

TEST(StreamParser, FlippedFixedBytesNeverCrashAndErrorsNameOffsets) {
  auto s = BuildSmallStream();
  for (uint64_t i = 0; i < s.layouts[0].bitmap_offset; ++i) {
    std::vector<uint8_t> bad = s.bytes;
    bad[i] ^= 0xff;
    auto parsed = Parse(bad);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().message().rfind("offset 0x", 0), 0u) << i << ": " << parsed.status().message();
    }
  }
}

TEST(StreamParser, QemuMessagesForHeaderFaults) {
  auto s = BuildSmallStream();
  const uint64_t header = s.layouts[0].header_offset;
  std::vector<uint8_t> bad = s.bytes;
  bad[header + 3] = 2;  // MappedRamHeader version 2
  auto parsed = Parse(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("offset 0x6e: Migration mapped-ram capability version not supported "
                                           "(expected <= 1, got 2)"), std::string::npos)
      << parsed.status().message();
  bad = s.bytes;
  bad[header + 27] = 0x08;  // pages_offset 0x100008
  parsed = Parse(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("Error reading ramblock pc.ram pages, region has bad alignment"),
            std::string::npos) << parsed.status().message();
  bad = s.bytes;
  bad[0] = 0;
  parsed = Parse(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "offset 0x0: Not a migration stream");
  bad = s.bytes;
  bad[s.layouts[1].next_record_offset + 8] = 0x7f;  // EOS footer type byte
  parsed = Parse(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("Missing section footer for ram"), std::string::npos);
}

}  // namespace
}  // namespace mrm::format
