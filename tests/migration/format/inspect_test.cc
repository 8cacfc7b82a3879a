#include "migration/format/inspect.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/migration/format/golden_file.h"
#include "tests/migration/format/small_stream.h"

namespace mrm::format {
namespace {

TEST(Inspect, GoldenReportTextAndJson) {
  const testing::GoldenFile* shared = testing::SharedGolden();
  if (shared == nullptr) GTEST_SKIP() << "golden fixture not found under " << DIOH_GOLDEN_DIRS;
  const testing::GoldenFile& golden = *shared;
  MemoryByteSource source(golden.bytes);
  auto report = Inspect(source);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->switchover_start);
  ASSERT_EQ(report->blocks.size(), 6u);
  for (const InspectedBlock& b : report->blocks) EXPECT_TRUE(b.pages_offset_1mib_aligned) << b.idstr;

  const std::string text = RenderInspectText(*report);
  EXPECT_NE(text.find("machine: pc-q35-11.0"), std::string::npos);
  EXPECT_NE(text.find("device sections: 29"), std::string::npos);
  EXPECT_NE(text.find("/rom@etc/acpi/tables"), std::string::npos);

  nlohmann::json j = nlohmann::json::parse(RenderInspectJson(*report));
  EXPECT_EQ(j["machine"], "pc-q35-11.0");
  EXPECT_EQ(j["capabilities"], nlohmann::json::array({"mapped-ram"}));
  EXPECT_EQ(j["ram_sections_after_start"], nlohmann::json::array({"part", "end"}));
  EXPECT_EQ(j["vmdesc_page_size"], 4096);
  EXPECT_EQ(j["device_sections"], 29);
  EXPECT_EQ(j["blocks"][2]["idstr"], "pc.bios");
  EXPECT_EQ(j["blocks"][2]["bitmap_offset"], 35782700);
  EXPECT_EQ(j["blocks"][2]["data_pages"], 44);
}

TEST(Inspect, ReportsUnalignedRegionStart) {
  auto s = testing::BuildSmallStream();
  MemoryByteSource good(s.bytes);
  auto report = Inspect(good);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->blocks[0].pages_offset_1mib_aligned);
  EXPECT_TRUE(report->blocks[1].pages_offset_1mib_aligned);
  EXPECT_EQ(report->blocks[1].record_offset, 0x300000u);  // page aligned, not a region start

  auto unaligned = testing::BuildSmallStream("pc-q35-9.1", RegionRounding::kPageOnly);
  MemoryByteSource shifted(unaligned.bytes);
  report = Inspect(shifted);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blocks[0].pages_offset, 0x1000u);
  EXPECT_FALSE(report->blocks[0].pages_offset_1mib_aligned);
  EXPECT_NE(RenderInspectText(*report).find(" NO\n"), std::string::npos);
}

// A crafted block name that is not UTF-8 ("pc\xffram"): the JSON report
// replaces the byte with U+FFFD instead of aborting in nlohmann's dump().
TEST(Inspect, JsonReportSurvivesNonUtf8BlockName) {
  auto s = testing::BuildSmallStream();
  s.bytes[s.boundaries[2] + 1 + 2] = 0xFF;  // record: length byte, then "pc.ram"
  MemoryByteSource source(s.bytes);
  auto report = Inspect(source);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->blocks[0].idstr, "pc\xffram");
  std::string json;
  ASSERT_NO_THROW(json = RenderInspectJson(*report));
  EXPECT_EQ(nlohmann::json::parse(json)["blocks"][0]["idstr"], "pc\xef\xbf\xbdram");
}

}  // namespace
}  // namespace mrm::format
