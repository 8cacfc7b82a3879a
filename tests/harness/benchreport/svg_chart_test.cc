#include <gtest/gtest.h>

#include "harness/benchreport/render.h"
#include "tests/harness/report/svg_render.h"

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
  EXPECT_NE(svg.find(">1.0</text>"), std::string::npos);  // the line at 1.0, labelled
  EXPECT_EQ(svg.find("stroke-dasharray"), std::string::npos);  // no goal given: no goal line
}

// The issue: the last group flipped to "lower is better" without a mark, no
// goal lines, no error bars, and the 1.0 label off-screen.
BenchSummary WithGoalsAndNoise() {
  BenchSummary summary;
  summary.bars = {{"diofs / tmpfs", "odirect_write 1 MiB x1", 0.62, 0.05, true, 0.5},
                  {"diofs / tmpfs", "odirect_write 1 MiB x4", 0.41, 0.10, true, 0.5},
                  {"write path / copy", "copy-and-hash 1 MiB", 1.08, 0.02, false, std::nullopt},
                  {"write path / copy", "copy then hash 1 MiB", 1.35, 0.0, false, std::nullopt}};
  return summary;
}

TEST(SvgChart, EachGroupSaysWhichWayIsBetter) {
  const std::string svg = RenderRatioChartSvg(WithGoalsAndNoise());
  EXPECT_NE(svg.find("diofs / tmpfs</tspan><tspan dx=\"10\" fill=\"#555\">→ higher is better"), std::string::npos) << svg;
  EXPECT_NE(svg.find("write path / copy</tspan><tspan dx=\"10\" fill=\"#555\">← lower is better"), std::string::npos) << svg;
}

TEST(SvgChart, GoalLinesOnlyWhereAGroupHasAGoal) {
  const std::string svg = RenderRatioChartSvg(WithGoalsAndNoise());
  EXPECT_EQ(Count(svg, "stroke-dasharray=\"5 3\""), 1u);
  EXPECT_NE(svg.find(">goal ≥ 0.50</text>"), std::string::npos) << svg;
}

TEST(SvgChart, ErrorBarsFromTheRepetitions) {
  const std::string svg = RenderRatioChartSvg(WithGoalsAndNoise());
  EXPECT_EQ(Count(svg, "stroke=\"#222\""), 3u);  // the three bars with noise
  EXPECT_NE(svg.find(">0.62 ± 0.03<"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">1.35<"), std::string::npos);  // none without repetitions
}

TEST(SvgChart, NothingOutsideThePictureAndItRenders) {
  const std::string svg = RenderRatioChartSvg(WithGoalsAndNoise());
  EXPECT_EQ(svg_render::OutOfBounds(svg, /*margin_x=*/30, /*margin_y=*/10), "");  // text needs room after its x
  const svg_render::Png png = svg_render::Render(svg, testing::TempDir() + "svg_chart_png", "chart");
  EXPECT_EQ(png.error, "");
  EXPECT_EQ(png.width, 900u);
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
