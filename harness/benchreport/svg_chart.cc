#include <algorithm>
#include <sstream>

#include "harness/benchreport/render.h"
#include "harness/report/xml_text.h"

namespace dioh::benchreport {
namespace {

constexpr double kWidth = 900, kLabelWidth = 290, kValueWidth = 60, kTop = 50, kBarHeight = 16, kRowGap = 4,
                 kGroupGap = 26;
constexpr double kPlotWidth = kWidth - kLabelWidth - kValueWidth - 20;
const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};

// The bars group by group, groups in the order they first appear (the table
// builders add bars of two groups alternately).
std::vector<RatioBar> Grouped(const std::vector<RatioBar>& bars) {
  std::vector<std::string> groups;
  for (const RatioBar& bar : bars) {
    if (std::find(groups.begin(), groups.end(), bar.group) == groups.end()) groups.push_back(bar.group);
  }
  std::vector<RatioBar> grouped;
  for (const std::string& group : groups) {
    for (const RatioBar& bar : bars) {
      if (bar.group == group) grouped.push_back(bar);
    }
  }
  return grouped;
}

}  // namespace

std::string RenderRatioChartSvg(const BenchSummary& unordered) {
  BenchSummary summary;
  summary.bars = Grouped(unordered.bars);
  double max_ratio = 1.2;  // 1.0 always fits with room to see a bar pass it
  std::size_t groups = 0;
  for (std::size_t i = 0; i < summary.bars.size(); ++i) {
    max_ratio = std::max(max_ratio, summary.bars[i].ratio * 1.05);
    if (i == 0 || summary.bars[i].group != summary.bars[i - 1].group) ++groups;
  }
  const double height =
      kTop + static_cast<double>(summary.bars.size()) * (kBarHeight + kRowGap) + static_cast<double>(groups) * kGroupGap + 30;
  auto x_of = [max_ratio](double ratio) { return kLabelWidth + kPlotWidth * ratio / max_ratio; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"10\" y=\"22\" font-size=\"15\">Ratios against the baseline of the same run (1.0 = as fast)</text>\n";
  double y = kTop;
  std::size_t group_index = 0;
  for (std::size_t i = 0; i < summary.bars.size(); ++i) {
    const RatioBar& bar = summary.bars[i];
    if (i == 0 || bar.group != summary.bars[i - 1].group) {
      if (i > 0) ++group_index;
      y += kGroupGap;
      svg << "<text x=\"10\" y=\"" << y - 8 << "\" font-weight=\"bold\">" << XmlEscape(bar.group) << "</text>\n";
    }
    const char* colour = kPalette[group_index % (sizeof kPalette / sizeof kPalette[0])];
    svg << "<text x=\"" << kLabelWidth - 6 << "\" y=\"" << y + kBarHeight - 4 << "\" text-anchor=\"end\">"
        << XmlEscape(bar.label) << "</text>\n"
        << "<rect x=\"" << kLabelWidth << "\" y=\"" << y << "\" width=\"" << x_of(bar.ratio) - kLabelWidth
        << "\" height=\"" << kBarHeight << "\" fill=\"" << colour << "\"/>\n"
        << "<text x=\"" << x_of(bar.ratio) + 4 << "\" y=\"" << y + kBarHeight - 4 << "\">"
        << FormatFixed(bar.ratio, 2) << "</text>\n";
    y += kBarHeight + kRowGap;
  }
  svg << "<line x1=\"" << x_of(1.0) << "\" y1=\"" << kTop << "\" x2=\"" << x_of(1.0) << "\" y2=\"" << y + 4
      << "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n"
      << "<text x=\"" << x_of(1.0) << "\" y=\"" << y + 18 << "\" text-anchor=\"middle\" fill=\"#d62728\">1.0</text>\n";
  if (summary.bars.empty()) svg << "<text x=\"10\" y=\"" << kTop + 20 << "\">no ratios measured</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace dioh::benchreport
