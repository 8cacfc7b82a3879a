#include <gtest/gtest.h>

#include "harness/benchreport/render.h"

namespace dioh::benchreport {
namespace {

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChart, OneBarPerRatioGroupedWithTheLineAtOne) {
  BenchSummary summary;
  summary.bars = {{"diofs / tmpfs", "write 1 MiB x1", 0.6},
                  {"diofs / tmpfs", "write 1 MiB x4", 0.4},
                  {"engine 2 ch / 1 ch", "save <tmpfs> & dio", 1.5}};
  const std::string svg = RenderRatioChartSvg(summary);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<rect"), 1u + 3u);  // background + bars
  EXPECT_EQ(Count(svg, "font-weight=\"bold\""), 2u);  // group titles
  EXPECT_NE(svg.find("save &lt;tmpfs&gt; &amp; dio"), std::string::npos);
  EXPECT_NE(svg.find(">1.50<"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
}

TEST(SvgChart, LongerBarForTheLargerRatio) {
  BenchSummary summary;
  summary.bars = {{"g", "small", 0.5}, {"g", "large", 2.0}};
  const std::string svg = RenderRatioChartSvg(summary);
  auto width_of = [&svg](std::size_t nth) {
    std::size_t at = svg.find("<rect");
    for (std::size_t i = 0; i <= nth; ++i) at = svg.find("<rect", at + 1);
    const std::size_t w = svg.find("width=\"", at) + 7;
    return std::stod(svg.substr(w, svg.find('"', w) - w));
  };
  EXPECT_NEAR(width_of(1) / width_of(0), 4.0, 1e-3);  // the SVG prints 6 significant digits
}

TEST(SvgChart, DrawsEachGroupOnceInOrderOfFirstAppearance) {
  BenchSummary summary;
  summary.bars = {{"log on / off", "a", 1.0}, {"log-data / off", "a", 0.5}, {"log on / off", "b", 0.9}};
  const std::string svg = RenderRatioChartSvg(summary);
  EXPECT_EQ(Count(svg, "font-weight=\"bold\""), 2u);
  EXPECT_LT(svg.find(">0.90<"), svg.find("log-data / off"));
}

TEST(SvgChart, SaysWhenThereAreNoRatios) {
  EXPECT_NE(RenderRatioChartSvg(BenchSummary{}).find("no ratios measured"), std::string::npos);
}

}  // namespace
}  // namespace dioh::benchreport
