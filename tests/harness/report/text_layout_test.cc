#include "harness/report/text_layout.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

using Lines = std::vector<std::string>;

TEST(TextLayoutTest, HumanBytesInBinaryUnits) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(4096), "4.0 KiB");
  EXPECT_EQ(HumanBytes(96ull << 20 | 512ull << 10), "96.5 MiB");
  EXPECT_EQ(HumanBytes(1ull << 30), "1.0 GiB");
}

TEST(TextLayoutTest, WrapsAtSpacesWithinTheWidth) {
  EXPECT_EQ(WrapText("write #17 at offset 1000 is not aligned", 12),
            (Lines{"write #17 at", "offset 1000", "is not", "aligned"}));
  EXPECT_EQ(WrapText("short", 12), (Lines{"short"}));
  EXPECT_EQ(WrapText("", 12), (Lines{""}));
}

// The issue: details were cut at about 70 characters. Nothing is lost.
TEST(TextLayoutTest, NothingIsLost) {
  const std::string detail =
      "channel 3 wrote 4096 bytes at offset 0x10001000 outside the pages region of pc.ram [0x200000, 0x10200000)";
  std::string joined;
  for (const std::string& line : WrapText(detail, 30)) {
    EXPECT_LE(line.size(), 30u) << line;
    joined += (joined.empty() ? "" : " ") + line;
  }
  EXPECT_EQ(joined, detail);
}

TEST(TextLayoutTest, AWordLongerThanALineIsCut) {
  EXPECT_EQ(WrapText("/a/very/long/path/name ok", 10), (Lines{"/a/very/lo", "ng/path/na", "me ok"}));
}

TEST(TextLayoutTest, KeepsLineBreaksAndCountsCharactersNotBytes) {
  EXPECT_EQ(WrapText("one\ntwo three", 5), (Lines{"one", "two", "three"}));
  EXPECT_EQ(WrapText("é é é é", 3), (Lines{"é é", "é é"}));
}

}  // namespace
}  // namespace dioh
