#include "harness/checks/write_coverage.h"

#include <gtest/gtest.h>

namespace dioh::checks {
namespace {

constexpr std::uint64_t kPage = 4096;

// Two blocks: "a", 8 pages at 1 MiB; "b", 4 pages right after it.
mrm::format::ParsedStream TwoBlocks() {
  mrm::format::ParsedStream stream;
  stream.ram_blocks.resize(2);
  stream.ram_blocks[0].idstr = "a";
  stream.ram_blocks[0].header.page_size = kPage;
  stream.ram_blocks[0].header.pages_offset = 1u << 20;
  stream.ram_blocks[0].pages = 8;
  stream.ram_blocks[1].idstr = "b";
  stream.ram_blocks[1].header.page_size = kPage;
  stream.ram_blocks[1].header.pages_offset = (1u << 20) + 8 * kPage;
  stream.ram_blocks[1].pages = 4;
  return stream;
}

std::uint64_t PageAt(const mrm::format::ParsedStream& s, std::size_t block, std::uint64_t page) {
  return s.ram_blocks[block].header.pages_offset + page * kPage;
}

TEST(WriteCoverage, AWholePageWriteCoversItsPagesOnly) {
  const auto stream = TwoBlocks();
  WriteCoverage coverage(stream);
  coverage.Add(PageAt(stream, 0, 2), PageAt(stream, 0, 4));
  EXPECT_FALSE(coverage.Covered(0, 1));
  EXPECT_TRUE(coverage.Covered(0, 2));
  EXPECT_TRUE(coverage.Covered(0, 3));
  EXPECT_FALSE(coverage.Covered(0, 4));
}

TEST(WriteCoverage, APageWrittenInTwoHalvesIsCoveredAHalfIsNot) {
  const auto stream = TwoBlocks();
  WriteCoverage coverage(stream);
  const std::uint64_t p1 = PageAt(stream, 0, 1);
  coverage.Add(p1, p1 + 100);             // page 1: its first 100 bytes...
  coverage.Add(p1 + 100, p1 + kPage);     // ...and the rest: covered
  const std::uint64_t p3 = PageAt(stream, 0, 3);
  coverage.Add(p3 + 1, p3 + 2 * kPage);   // page 3 but its first byte; page 4 whole
  const std::uint64_t p6 = PageAt(stream, 0, 6);
  coverage.Add(p6, p6 + kPage - 1);       // page 6 but its last byte
  EXPECT_TRUE(coverage.Covered(0, 1));
  EXPECT_FALSE(coverage.Covered(0, 3));
  EXPECT_TRUE(coverage.Covered(0, 4));
  EXPECT_FALSE(coverage.Covered(0, 6));
}

TEST(WriteCoverage, AWriteAcrossTwoBlocksAndBeyondThemCountsInsideOnly) {
  const auto stream = TwoBlocks();
  WriteCoverage coverage(stream);
  coverage.Add(PageAt(stream, 0, 7), PageAt(stream, 1, 1));  // a's last page, b's first
  coverage.Add(0, PageAt(stream, 0, 0));                    // before every region: nothing
  coverage.Add(PageAt(stream, 1, 4), PageAt(stream, 1, 9)); // after b: nothing
  EXPECT_TRUE(coverage.Covered(0, 7));
  EXPECT_TRUE(coverage.Covered(1, 0));
  EXPECT_FALSE(coverage.Covered(0, 0));
  EXPECT_FALSE(coverage.Covered(1, 1));
  EXPECT_FALSE(coverage.Covered(1, 3));
}

TEST(WriteCoverage, PiecesMergedWhileWritesComeKeepTheirEdgesForLaterWrites) {
  const auto stream = TwoBlocks();
  WriteCoverage coverage(stream);
  const std::uint64_t p2 = PageAt(stream, 0, 2);
  coverage.Add(p2 + 2048, p2 + 2 * kPage + 16);  // page 3 whole; halves of 2 and 4 as pieces
  // 70,000 more one-byte pieces inside page 5 force merges while adding.
  const std::uint64_t p5 = PageAt(stream, 0, 5);
  for (std::uint64_t i = 0; i < 70000; ++i) coverage.Add(p5 + i % 2000, p5 + i % 2000 + 1);
  EXPECT_LT(coverage.partial_pieces(), 70000u);  // merged along the way
  coverage.Add(p2, p2 + 2048);                   // completes page 2 with a piece kept from before the merges
  EXPECT_TRUE(coverage.Covered(0, 2));
  EXPECT_TRUE(coverage.Covered(0, 3));
  EXPECT_FALSE(coverage.Covered(0, 4));
  EXPECT_FALSE(coverage.Covered(0, 5));  // 2000 of its 4096 bytes
}

}  // namespace
}  // namespace dioh::checks
