#include <algorithm>
#include <sstream>

#include "harness/benchreport/render.h"
#include "harness/report/xml_text.h"

namespace dioh::benchreport {
namespace {

constexpr double kWidth = 900, kLabelWidth = 250, kValueWidth = 70, kTop = 56, kBarHeight = 16, kRowGap = 4,
                 kGroupGap = 30, kBottom = 44;
constexpr double kPlotWidth = kWidth - kLabelWidth - kValueWidth - 20;
// Okabe and Ito's colour-blind-safe palette.
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"};
constexpr const char* kGoalColour = "#000000";

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
  const std::vector<RatioBar> bars = Grouped(unordered.bars);
  double max_ratio = 1.2;  // 1.0 always fits with room to see a bar pass it
  std::size_t groups = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    max_ratio = std::max({max_ratio, bars[i].ratio * (1 + bars[i].noise) * 1.05, bars[i].goal.value_or(0) * 1.05});
    if (i == 0 || bars[i].group != bars[i - 1].group) ++groups;
  }
  const double rows_end = kTop + static_cast<double>(bars.size()) * (kBarHeight + kRowGap) +
                          static_cast<double>(groups) * kGroupGap;
  const double height = rows_end + kBottom;
  auto x_of = [max_ratio](double ratio) { return kLabelWidth + kPlotWidth * std::max(0.0, ratio) / max_ratio; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << kWidth << " " << height << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"10\" y=\"22\" font-size=\"15\">Ratios against the baseline of the same run</text>\n"
      << "<text x=\"10\" y=\"40\" fill=\"#555\">1.0 = as fast as the baseline; each group says which way is better; "
         "whiskers: ± the noise of the repetitions; black dashes: the goal</text>\n";
  // 1.0 behind the bars, labelled at the bottom inside the picture.
  svg << "<line x1=\"" << x_of(1.0) << "\" y1=\"" << kTop << "\" x2=\"" << x_of(1.0) << "\" y2=\"" << rows_end
      << "\" stroke=\"#999\"/>\n"
      << "<text x=\"" << x_of(1.0) << "\" y=\"" << rows_end + 16 << "\" text-anchor=\"middle\" fill=\"#555\">1.0</text>\n";
  double y = kTop;
  std::size_t group_index = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const RatioBar& bar = bars[i];
    if (i == 0 || bar.group != bars[i - 1].group) {
      if (i > 0) ++group_index;
      y += kGroupGap;
      svg << "<text x=\"10\" y=\"" << y - 9 << "\"><tspan font-weight=\"bold\">" << XmlEscape(bar.group)
          << "</tspan><tspan dx=\"10\" fill=\"#555\">" << (bar.higher_is_better ? "→ higher is better" : "← lower is better")
          << "</tspan></text>\n";
      std::size_t rows = 0;
      while (i + rows < bars.size() && bars[i + rows].group == bar.group) ++rows;
      if (bar.goal) {
        const double x = x_of(*bar.goal);
        const double bottom = y + static_cast<double>(rows) * (kBarHeight + kRowGap) - kRowGap;
        svg << "<line x1=\"" << x << "\" y1=\"" << y - 4 << "\" x2=\"" << x << "\" y2=\"" << bottom + 2 << "\" stroke=\""
            << kGoalColour << "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
            << "<text x=\"" << x + 4 << "\" y=\"" << y - 9 << "\" fill=\"" << kGoalColour << "\">goal "
            << (bar.higher_is_better ? "≥ " : "≤ ") << FormatFixed(*bar.goal, 2) << "</text>\n";
      }
    }
    const char* colour = kPalette[group_index % (sizeof kPalette / sizeof kPalette[0])];
    const double end = x_of(bar.ratio);
    svg << "<text x=\"" << kLabelWidth - 6 << "\" y=\"" << y + kBarHeight - 4 << "\" text-anchor=\"end\">"
        << XmlEscape(bar.label) << "</text>\n"
        << "<rect x=\"" << kLabelWidth << "\" y=\"" << y << "\" width=\"" << end - kLabelWidth << "\" height=\""
        << kBarHeight << "\" fill=\"" << colour << "\" fill-opacity=\"0.85\"/>\n";
    double value_x = end + 4;
    if (bar.noise > 0) {
      const double low = x_of(bar.ratio * (1 - bar.noise)), high = x_of(bar.ratio * (1 + bar.noise));
      const double mid = y + kBarHeight / 2;
      svg << "<path d=\"M" << low << " " << mid << "H" << high << "M" << low << " " << mid - 4 << "v8M" << high << " "
          << mid - 4 << "v8\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>\n";
      value_x = std::max(value_x, high + 4);
    }
    // White behind the letters: a goal line may cross them.
    svg << "<text x=\"" << value_x << "\" y=\"" << y + kBarHeight - 4
        << "\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">" << FormatFixed(bar.ratio, 2);
    if (bar.ratio * bar.noise >= 0.005) svg << " ± " << FormatFixed(bar.ratio * bar.noise, 2);  // "± 0.00" says nothing
    svg << "</text>\n";
    y += kBarHeight + kRowGap;
  }
  if (bars.empty()) svg << "<text x=\"10\" y=\"" << kTop + 20 << "\">no ratios measured</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace dioh::benchreport
