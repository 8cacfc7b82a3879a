#include "harness/report/write_map.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace dioh {
namespace {

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

WriteMap TwoChannels() {
  WriteMap map;
  map.title = "save <demo>";
  map.subtitle = "strict-4k";
  map.channels = {"main (buffered)", "multifd 0", "multifd 1"};
  map.regions = {{1 << 20, 3 << 20, "pc.ram pages"}};
  map.points = {{0, 0, 4096, 0, false, false},
                {1000, 1 << 20, 512 << 10, 1, false, false},
                {2000, (1 << 20) + (512 << 10), 512 << 10, 2, false, false},
                {3000, (2 << 20) + 100, 4096, 2, false, true},
                {4000, 1 << 20, 1 << 20, 1, true, false}};
  return map;
}

TEST(WriteMapTest, OneLinePerOperationColouredByChannel) {
  const std::string svg = RenderWriteMapSvg(TwoChannels());
  EXPECT_EQ(Count(svg, "stroke-width=\"2\""), 5u);  // one line per operation
  EXPECT_EQ(Count(svg, "stroke=\"#444444\" stroke-width=\"2\""), 1u);  // main channel
  EXPECT_EQ(Count(svg, "stroke=\"#4e79a7\" stroke-width=\"2\""), 2u);  // multifd 0: write + read
  EXPECT_EQ(Count(svg, "stroke=\"#f28e2b\" stroke-width=\"2\""), 2u);  // multifd 1
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 1u);                        // the read
}

TEST(WriteMapTest, ViolationsRegionsAndLegendAreShown) {
  const std::string svg = RenderWriteMapSvg(TwoChannels());
  EXPECT_EQ(Count(svg, "stroke=\"#d62728\""), 1u);
  EXPECT_NE(svg.find("× 1 violation<"), std::string::npos);
  EXPECT_NE(svg.find(">pc.ram pages<"), std::string::npos);
  EXPECT_NE(svg.find(">multifd 1<"), std::string::npos);
  EXPECT_NE(svg.find("save &lt;demo&gt;"), std::string::npos);  // escaped title
  EXPECT_NE(svg.find("5 operations"), std::string::npos);
}

TEST(WriteMapTest, CoordinatesStayInsideThePlot) {
  const std::string svg = RenderWriteMapSvg(TwoChannels());
  std::regex line_re(R"re(<line x1="([0-9.]+)" y1="([0-9.]+)" x2="[0-9.]+" y2="([0-9.]+)" stroke="#[0-9a-f]+" stroke-width="2")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line_re); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[1]), y1 = std::stod((*it)[2]), y2 = std::stod((*it)[3]);
    EXPECT_GE(x, 120.0);
    EXPECT_LE(x, 800.0);  // kLeft + plot width
    EXPECT_GE(std::min(y1, y2), 60.0);
    EXPECT_LE(std::max(y1, y2), 551.0);
  }
}

TEST(WriteMapTest, EmptyMapStillRenders) {
  WriteMap map;
  map.title = "nothing";
  const std::string svg = RenderWriteMapSvg(map);
  EXPECT_NE(svg.find("0 operations"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace dioh
