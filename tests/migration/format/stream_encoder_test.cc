#include "migration/format/stream_encoder.h"

#include <gtest/gtest.h>

#include "migration/format/device_sections.h"
#include "tests/migration/format/small_stream.h"

namespace mrm::format {
namespace {

// MAPPED-RAM.md worked example, byte for byte in the fixed parts.
TEST(StreamEncoder, WorkedExampleOffsets) {
  auto s = testing::BuildSmallStream("pc-q35-9.1");
  const std::vector<uint8_t>& b = s.bytes;
  const uint8_t header[] = {0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3};
  EXPECT_TRUE(std::equal(std::begin(header), std::end(header), b.begin()));
  EXPECT_EQ(b[0x08], kConfiguration);
  EXPECT_EQ(std::string(b.begin() + 0x0d, b.begin() + 0x17), "pc-q35-9.1");
  EXPECT_EQ(b[0x17], kSubsection);
  EXPECT_EQ(b[0x18], 26);
  EXPECT_EQ(b[0x46], kSectionStart);
  EXPECT_EQ(LoadBe(&b[0x47], 4), 2u);  // section id
  EXPECT_EQ(LoadBe(&b[0x57], 8), ((2u << 20) + 8192) | kRamFlagMemSize);
  EXPECT_EQ(b[0x5f], 6);
  EXPECT_EQ(std::string(b.begin() + 0x60, b.begin() + 0x66), "pc.ram");
  EXPECT_EQ(LoadBe(&b[0x66], 8), 2u << 20);
  EXPECT_EQ(LoadBe(&b[0x6e], 4), 1u);
  EXPECT_EQ(LoadBe(&b[0x72], 8), 4096u);
  EXPECT_EQ(LoadBe(&b[0x7a], 8), 0x8au);
  EXPECT_EQ(LoadBe(&b[0x82], 8), 0x100000u);
  EXPECT_EQ(s.layouts[0].bitmap_size, 64u);
  EXPECT_EQ(s.layouts[0].next_record_offset, 0x300000u);
  EXPECT_EQ(s.layouts[1].record_offset, 0x300000u);
}

TEST(StreamEncoder, SwitchoverCommandBytes) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  EncodeSwitchoverStart(w);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x08, 0x00, 0x0b, 0x00, 0x00}));
}

TEST(StreamEncoder, VmDescriptionDescribesEveryDeviceBody) {
  auto devices = MakeSyntheticDevices(1);
  std::string json = BuildVmDescriptionJson("pc-q35-9.1", {"mapped-ram"}, 4096, devices);
  ParsedStream parsed;
  ASSERT_TRUE(ParseVmDescription(json, 0, &parsed).ok());
  EXPECT_EQ(parsed.vmdesc_page_size, 4096u);
  ASSERT_EQ(parsed.vmdesc_devices.size(), devices.size());
  for (const SyntheticDevice& d : devices) {
    uint32_t sum = 0;
    for (const auto& f : d.fields) sum += f.size;
    EXPECT_EQ(sum, d.body.size()) << d.name;
  }
}

}  // namespace
}  // namespace mrm::format
