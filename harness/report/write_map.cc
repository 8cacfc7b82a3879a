#include "harness/report/write_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/report/report.h"
#include "harness/report/text_layout.h"
#include "harness/report/xml_text.h"

namespace dioh {
namespace {

// The time plot on top, then one strip per channel with the offsets it
// touched (x = offset), where interleaved channels stay distinguishable.
constexpr double kWidth = 1000, kPlotHeight = 600;
constexpr double kLeft = 120, kRight = 200, kTop = 60, kBottom = 50;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kPlotHeight - kTop - kBottom;
constexpr double kStripTop = kPlotHeight + 30, kStripH = 16, kStripGap = 4;

// Channel 0 (the main channel) is dark grey; then a palette without red,
// which is kept for violations.
const char* ChannelColour(std::size_t channel) {
  static const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
                                   "#edc948", "#9c755f", "#17becf", "#ff9da7", "#bab0ac"};
  if (channel == 0) return "#444444";
  return kPalette[(channel - 1) % (sizeof kPalette / sizeof kPalette[0])];
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct Scale {
  std::uint64_t t0 = 0, t1 = 1, max_offset = 1;
  double X(std::uint64_t t) const {
    return kLeft + kPlotW * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
  }
  double Y(std::uint64_t offset) const {  // offset 0 at the bottom
    return kTop + kPlotH * (1.0 - static_cast<double>(offset) / static_cast<double>(max_offset));
  }
};

Scale Fit(const WriteMap& map) {
  Scale s;
  if (map.points.empty()) return s;
  s.t0 = s.t1 = map.points.front().t_ns;
  s.max_offset = 1;
  for (const WriteMapPoint& p : map.points) {
    s.t0 = std::min(s.t0, p.t_ns);
    s.t1 = std::max(s.t1, p.t_ns);
    s.max_offset = std::max(s.max_offset, p.offset + std::max<std::uint64_t>(p.length, 1));
  }
  for (const WriteMapRegion& r : map.regions) s.max_offset = std::max(s.max_offset, r.end);
  if (s.t1 == s.t0) s.t1 = s.t0 + 1;
  return s;
}

void Axes(std::ostringstream& svg, const Scale& s) {
  svg << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kPlotW << "\" height=\""
      << kPlotH << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const std::uint64_t off = s.max_offset / 4 * static_cast<std::uint64_t>(i);
    const double y = s.Y(off);
    svg << "<line x1=\"" << kLeft - 4 << "\" y1=\"" << Num(y) << "\" x2=\"" << kLeft << "\" y2=\""
        << Num(y) << "\" stroke=\"#999\"/><text x=\"" << kLeft - 8 << "\" y=\"" << Num(y + 4)
        << "\" text-anchor=\"end\" font-size=\"11\">" << HumanBytes(off) << "</text>\n";
    const std::uint64_t t = s.t0 + (s.t1 - s.t0) / 4 * static_cast<std::uint64_t>(i);
    const double x = s.X(t);
    svg << "<text x=\"" << Num(x) << "\" y=\"" << kTop + kPlotH + 18
        << "\" text-anchor=\"middle\" font-size=\"11\">"
        << Num(static_cast<double>(t - s.t0) / 1e6) << " ms</text>\n";
  }
  svg << "<text x=\"" << kLeft + kPlotW / 2 << "\" y=\"" << kPlotHeight - 10
      << "\" text-anchor=\"middle\" font-size=\"12\">time since first operation</text>\n"
      << "<text x=\"16\" y=\"" << kTop + kPlotH / 2 << "\" transform=\"rotate(-90 16 "
      << kTop + kPlotH / 2 << ")\" text-anchor=\"middle\" font-size=\"12\">file offset</text>\n";
}

void Legend(std::ostringstream& svg, const WriteMap& map, std::size_t violations) {
  double y = kTop + 10;
  const double x = kLeft + kPlotW + 20;
  for (std::size_t c = 0; c < map.channels.size(); ++c, y += 18) {
    svg << "<rect x=\"" << x << "\" y=\"" << Num(y - 9) << "\" width=\"14\" height=\"10\" fill=\""
        << ChannelColour(c) << "\"/><text x=\"" << x + 20 << "\" y=\"" << Num(y)
        << "\" font-size=\"12\">" << XmlEscape(map.channels[c]) << "</text>\n";
  }
  y += 6;
  svg << "<text x=\"" << x << "\" y=\"" << Num(y) << "\" font-size=\"12\" fill=\"#d62728\">× "
      << violations << " violation" << (violations == 1 ? "" : "s") << "</text>\n";
  svg << "<text x=\"" << x << "\" y=\"" << Num(y + 18)
      << "\" font-size=\"11\" fill=\"#666\">solid: write, dashed: read</text>\n";
}

// x of a file offset in the strips.
double StripX(const Scale& s, std::uint64_t offset) {
  return kLeft + kPlotW * static_cast<double>(offset) / static_cast<double>(s.max_offset);
}

void ChannelStrips(std::ostringstream& svg, const WriteMap& map, const Scale& s) {
  svg << "<text x=\"" << kLeft << "\" y=\"" << kStripTop - 10
      << "\" font-size=\"12\">offsets touched per channel (0 to " << HumanBytes(s.max_offset)
      << ")</text>\n";
  for (std::size_t c = 0; c < map.channels.size(); ++c) {
    const double y = kStripTop + static_cast<double>(c) * (kStripH + kStripGap);
    svg << "<rect x=\"" << kLeft << "\" y=\"" << Num(y) << "\" width=\"" << kPlotW << "\" height=\""
        << kStripH << "\" fill=\"#f4f4f4\"/><text x=\"" << kLeft - 8 << "\" y=\"" << Num(y + 12)
        << "\" text-anchor=\"end\" font-size=\"11\">" << XmlEscape(map.channels[c]) << "</text>\n";
  }
  std::set<std::tuple<long, long, std::size_t, bool>> drawn;  // (x0, width, channel, red) at 1/4 pixel
  for (const WriteMapPoint& p : map.points) {
    if (p.channel >= map.channels.size()) continue;
    const double y = kStripTop + static_cast<double>(p.channel) * (kStripH + kStripGap);
    const double x0 = StripX(s, p.offset);
    const double w = std::max(1.0, StripX(s, p.offset + p.length) - x0);
    if (!drawn.emplace(std::lround(x0 * 4), std::lround(w * 4), p.channel, p.violation).second) continue;
    svg << "<rect x=\"" << Num(x0) << "\" y=\"" << Num(y) << "\" width=\"" << Num(w) << "\" height=\""
        << kStripH << "\" fill=\"" << (p.violation ? "#d62728" : ChannelColour(p.channel)) << "\"/>\n";
  }
}

double TotalHeight(const WriteMap& map) {
  return kStripTop + static_cast<double>(map.channels.size()) * (kStripH + kStripGap) + 20;
}

}  // namespace

std::string RenderWriteMapSvg(const WriteMap& map) {
  const Scale s = Fit(map);
  std::ostringstream svg;
  const double height = TotalHeight(map);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << kWidth << " " << height << "\" font-family=\"sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"24\" font-size=\"16\" font-weight=\"bold\">"
      << XmlEscape(map.title) << "</text>\n"
      << "<text x=\"" << kLeft << "\" y=\"44\" font-size=\"12\" fill=\"#555\">" << XmlEscape(map.subtitle)
      << " — " << map.points.size() << " operations</text>\n";
  for (const WriteMapRegion& r : map.regions) {
    const double y0 = s.Y(r.end), y1 = s.Y(r.begin);
    svg << "<rect x=\"" << kLeft << "\" y=\"" << Num(y0) << "\" width=\"" << kPlotW << "\" height=\""
        << Num(std::max(1.0, y1 - y0)) << "\" fill=\"#eef3f8\" stroke=\"#c8d6e5\"/>"
        << "<text x=\"" << kLeft + 4 << "\" y=\"" << Num(std::min(y1 - 3, y0 + 12))
        << "\" font-size=\"10\" fill=\"#6b7f95\">" << XmlEscape(r.label) << "</text>\n";
  }
  Axes(svg, s);
  std::size_t violations = 0;
  // Tens of thousands of operations land on a few thousand pixels: an element
  // identical at 1/4 pixel to one already drawn adds nothing but bytes.
  std::set<std::tuple<long, long, long, std::size_t, bool>> drawn;
  for (const WriteMapPoint& p : map.points) {
    const double x = s.X(p.t_ns);
    const double y_top = s.Y(p.offset + std::max<std::uint64_t>(p.length, 1));
    const double y_bottom = std::max(s.Y(p.offset), y_top + 1.5);
    if (!drawn.emplace(std::lround(x * 4), std::lround(y_top * 4), std::lround(y_bottom * 4), p.channel, p.is_read).second) {
      continue;
    }
    svg << "<line x1=\"" << Num(x) << "\" y1=\"" << Num(y_bottom) << "\" x2=\"" << Num(x)
        << "\" y2=\"" << Num(y_top) << "\" stroke=\"" << ChannelColour(p.channel)
        << "\" stroke-width=\"2\"" << (p.is_read ? " stroke-dasharray=\"2,2\"" : "") << "/>\n";
  }
  for (const WriteMapPoint& p : map.points) {  // on top of every line
    if (!p.violation) continue;
    ++violations;
    const double x = s.X(p.t_ns), y = s.Y(p.offset);
    svg << "<path d=\"M" << Num(x - 5) << " " << Num(y - 5) << "L" << Num(x + 5) << " " << Num(y + 5)
        << "M" << Num(x - 5) << " " << Num(y + 5) << "L" << Num(x + 5) << " " << Num(y - 5)
        << "\" stroke=\"#d62728\" stroke-width=\"2.5\"/>\n";
  }
  Legend(svg, map, violations);
  ChannelStrips(svg, map, s);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace dioh
