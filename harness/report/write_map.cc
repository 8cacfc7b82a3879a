#include "harness/report/write_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "harness/report/text_layout.h"
#include "harness/report/xml_text.h"

namespace dioh {
namespace {

// The time plot on top, then one strip per channel with the offsets it
// touched (x = offset), where interleaved channels stay distinguishable.
constexpr double kWidth = 1000, kPlotHeight = 620;
constexpr double kLeft = 90, kRight = 250, kTop = 80, kBottom = 50;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kPlotHeight - kTop - kBottom;
constexpr double kStripTop = kPlotHeight + 30, kStripH = 16, kStripGap = 4;
constexpr double kMarker = 5;  // half the cross's size
constexpr const char* kViolationColour = "#D55E00";  // vermillion

// Okabe and Ito's palette, told apart with every common colour-vision
// deficiency; vermillion is kept for violations. The main channel is black.
const char* ChannelColour(std::size_t channel) {
  static const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442"};
  if (channel == 0) return "#000000";
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
  double StripX(std::uint64_t offset) const {
    return kLeft + kPlotW * static_cast<double>(std::min(offset, max_offset)) / static_cast<double>(max_offset);
  }
};

Scale Fit(const WriteMap& map) {
  Scale s;
  if (map.points.empty()) return s;
  s.t0 = s.t1 = map.points.front().t_ns;
  for (const WriteMapPoint& p : map.points) {
    s.t0 = std::min(s.t0, p.t_ns);
    s.t1 = std::max(s.t1, p.t_ns);
    s.max_offset = std::max(s.max_offset, p.offset + std::max<std::uint64_t>(p.length, 1));
  }
  for (const WriteMapRegion& r : map.regions) s.max_offset = std::max(s.max_offset, r.end);
  if (s.t1 == s.t0) s.t1 = s.t0 + 1;
  return s;
}

// Vertical extents [top, bottom] in one pixel column, merged where they touch
// and then, beyond `limit`, across the smallest gaps.
std::vector<std::pair<double, double>> Merge(std::vector<std::pair<double, double>> spans, std::size_t limit) {
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& span : spans) {
    if (!merged.empty() && span.first <= merged.back().second + 1.0) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }
  while (merged.size() > limit) {
    std::size_t smallest = 0;
    for (std::size_t i = 1; i + 1 < merged.size(); ++i) {
      if (merged[i + 1].first - merged[i].second < merged[smallest + 1].first - merged[smallest].second) smallest = i;
    }
    merged[smallest].second = merged[smallest + 1].second;
    merged.erase(merged.begin() + static_cast<std::ptrdiff_t>(smallest) + 1);
  }
  return merged;
}

// One <path> per channel and direction: "M x top V bottom" per merged mark.
std::size_t DrawOperations(std::ostringstream& svg, const WriteMap& map, const Scale& s) {
  // (channel, is_read) -> pixel column -> spans
  std::map<std::pair<std::size_t, bool>, std::map<long, std::vector<std::pair<double, double>>>> columns;
  for (const WriteMapPoint& p : map.points) {
    const double top = s.Y(p.offset + std::max<std::uint64_t>(p.length, 1));
    const double bottom = std::max(s.Y(p.offset), top + 1.5);
    columns[{p.channel, p.is_read}][std::lround(s.X(p.t_ns))].emplace_back(top, bottom);
  }
  std::size_t marks = 0;
  for (const auto& [key, by_column] : columns) {
    svg << "<path stroke=\"" << ChannelColour(key.first) << "\" stroke-width=\"2\" fill=\"none\""
        << (key.second ? " stroke-dasharray=\"2,2\"" : "") << " d=\"";
    for (const auto& [x, spans] : by_column) {
      for (const auto& [top, bottom] : Merge(spans, kMaxMarksPerColumn)) {
        svg << "M" << x << " " << Num(top) << "V" << Num(bottom);
        ++marks;
      }
    }
    svg << "\"/>\n";
  }
  return marks;
}

void Axes(std::ostringstream& svg, const Scale& s) {
  svg << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kPlotW << "\" height=\"" << kPlotH
      << "\" fill=\"none\" stroke=\"#999\"/>\n";
  const std::uint64_t byte_step = ByteTickStep(s.max_offset, 6);
  for (std::uint64_t off = 0; off <= s.max_offset; off += byte_step) {
    const double y = s.Y(off);
    svg << "<line x1=\"" << kLeft - 4 << "\" y1=\"" << Num(y) << "\" x2=\"" << kLeft + kPlotW << "\" y2=\"" << Num(y)
        << "\" stroke=\"#e4e4e4\"/><text x=\"" << kLeft - 8 << "\" y=\"" << Num(y + 4)
        << "\" text-anchor=\"end\" font-size=\"11\">" << ByteTickLabel(off) << "</text>\n";
  }
  const std::uint64_t span = s.t1 - s.t0;
  const std::uint64_t time_step = TimeTickStep(span, 8);
  for (std::uint64_t t = 0; t <= span; t += time_step) {
    const double x = s.X(s.t0 + t);
    svg << "<line x1=\"" << Num(x) << "\" y1=\"" << kTop + kPlotH << "\" x2=\"" << Num(x) << "\" y2=\""
        << kTop + kPlotH + 4 << "\" stroke=\"#999\"/><text x=\"" << Num(x) << "\" y=\"" << kTop + kPlotH + 18
        << "\" text-anchor=\"middle\" font-size=\"11\">" << TimeTickLabel(t) << "</text>\n";
  }
  svg << "<text x=\"" << kLeft + kPlotW / 2 << "\" y=\"" << kPlotHeight - 10
      << "\" text-anchor=\"middle\" font-size=\"12\">time since the first operation</text>\n"
      << "<text x=\"14\" y=\"" << kTop + kPlotH / 2 << "\" transform=\"rotate(-90 14 " << kTop + kPlotH / 2
      << ")\" text-anchor=\"middle\" font-size=\"12\">file offset</text>\n";
}

// "save (writes)" and "load (reads)" over the time each took.
void SidesBand(std::ostringstream& svg, const WriteMap& map, const Scale& s) {
  for (const bool reads : {false, true}) {
    std::uint64_t first = UINT64_MAX, last = 0;
    for (const WriteMapPoint& p : map.points) {
      if (p.is_read != reads) continue;
      first = std::min(first, p.t_ns);
      last = std::max(last, p.t_ns);
    }
    if (first == UINT64_MAX) continue;
    const double x0 = s.X(first), x1 = std::max(s.X(last), x0 + 2);
    const double y = kTop - 10;
    svg << "<path d=\"M" << Num(x0) << " " << y + 5 << "V" << y << "H" << Num(x1) << "V" << y + 5
        << "\" stroke=\"#555\" fill=\"none\"/><text x=\"" << Num((x0 + x1) / 2) << "\" y=\"" << y - 4
        << "\" text-anchor=\"middle\" font-size=\"12\">" << (reads ? "load (reads)" : "save (writes)") << "</text>\n";
    if (reads) {
      svg << "<line x1=\"" << Num(x0) << "\" y1=\"" << kTop << "\" x2=\"" << Num(x0) << "\" y2=\"" << kTop + kPlotH
          << "\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>\n";
    }
  }
}

std::string CheckOf(const WriteMapPoint& p) { return p.check.empty() ? "violation" : p.check; }

// Crosses, kept inside the plot; the first of each check labelled with it.
// Returns the count per check (all of them, drawn or not).
std::map<std::string, std::size_t> DrawViolations(std::ostringstream& svg, const WriteMap& map, const Scale& s) {
  std::map<std::string, std::size_t> counts;
  std::size_t drawn = 0;
  for (const WriteMapPoint& p : map.points) {
    if (!p.violation) continue;
    const std::string check = CheckOf(p);
    const bool first_of_check = counts[check]++ == 0;
    if (drawn >= kMaxViolationMarks && !first_of_check) continue;
    ++drawn;
    const double x = std::clamp(s.X(p.t_ns), kLeft + kMarker, kLeft + kPlotW - kMarker);
    const double y = std::clamp(s.Y(p.offset), kTop + kMarker, kTop + kPlotH - kMarker);
    svg << "<path d=\"M" << Num(x - kMarker) << " " << Num(y - kMarker) << "l" << 2 * kMarker << " " << 2 * kMarker
        << "m0 " << -2 * kMarker << "l" << -2 * kMarker << " " << 2 * kMarker << "\" stroke=\"" << kViolationColour
        << "\" stroke-width=\"2.5\"/>\n";
    if (!first_of_check) continue;
    // Right of the cross, or left of it near the right edge; white behind the letters.
    const bool left = x > kLeft + kPlotW - 170;
    svg << "<text x=\"" << Num(left ? x - 9 : x + 9) << "\" y=\"" << Num(std::max(y + 4, kTop + 12))
        << "\" text-anchor=\"" << (left ? "end" : "start") << "\" font-size=\"11\" fill=\"" << kViolationColour
        << "\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">" << XmlEscape(check) << "</text>\n";
  }
  return counts;
}

void Legend(std::ostringstream& svg, const WriteMap& map, const std::map<std::string, std::size_t>& violations) {
  double y = kTop + 10;
  const double x = kLeft + kPlotW + 20;
  for (std::size_t c = 0; c < map.channels.size(); ++c, y += 18) {
    svg << "<rect x=\"" << x << "\" y=\"" << Num(y - 9) << "\" width=\"14\" height=\"10\" fill=\"" << ChannelColour(c)
        << "\"/><text x=\"" << x + 20 << "\" y=\"" << Num(y) << "\" font-size=\"12\">" << XmlEscape(map.channels[c])
        << "</text>\n";
  }
  y += 6;
  svg << "<text x=\"" << x << "\" y=\"" << Num(y) << "\" font-size=\"11\" fill=\"#555\">solid: write, dashed: read</text>\n";
  y += 22;
  std::size_t total = 0;
  for (const auto& [check, count] : violations) total += count;
  svg << "<text x=\"" << x << "\" y=\"" << Num(y) << "\" font-size=\"12\" fill=\"" << kViolationColour << "\">× " << total
      << " violation" << (total == 1 ? "" : "s") << (total > kMaxViolationMarks ? " (" + std::to_string(kMaxViolationMarks) + " drawn)" : "")
      << "</text>\n";
  for (const auto& [check, count] : violations) {
    y += 16;
    svg << "<text x=\"" << x + 12 << "\" y=\"" << Num(y) << "\" font-size=\"11\" fill=\"" << kViolationColour << "\">"
        << XmlEscape(check) << ": " << count << "</text>\n";
  }
}

std::size_t ChannelStrips(std::ostringstream& svg, const WriteMap& map, const Scale& s) {
  svg << "<text x=\"" << kLeft << "\" y=\"" << kStripTop - 10 << "\" font-size=\"12\">offsets touched per channel (0 to "
      << HumanBytes(s.max_offset) << ")</text>\n";
  // channel -> violation? -> [x0, x1] in pixels, merged
  std::map<std::pair<std::size_t, bool>, std::vector<std::pair<double, double>>> spans;
  for (const WriteMapPoint& p : map.points) {
    if (p.channel >= map.channels.size()) continue;
    const double x0 = s.StripX(p.offset);
    spans[{p.channel, p.violation}].emplace_back(x0, std::max(x0 + 1, s.StripX(p.offset + p.length)));
  }
  for (std::size_t c = 0; c < map.channels.size(); ++c) {
    const double y = kStripTop + static_cast<double>(c) * (kStripH + kStripGap);
    svg << "<rect x=\"" << kLeft << "\" y=\"" << Num(y) << "\" width=\"" << kPlotW << "\" height=\"" << kStripH
        << "\" fill=\"#f4f4f4\"/><text x=\"" << kLeft - 8 << "\" y=\"" << Num(y + 12)
        << "\" text-anchor=\"end\" font-size=\"11\">" << XmlEscape(map.channels[c]) << "</text>\n";
  }
  std::size_t marks = 0;
  for (auto& [key, list] : spans) {
    const double y = kStripTop + static_cast<double>(key.first) * (kStripH + kStripGap);
    svg << "<path fill=\"" << (key.second ? kViolationColour : ChannelColour(key.first)) << "\" d=\"";
    // Spans that touch at pixel resolution are one rectangle.
    for (const auto& [x0, x1] : Merge(std::move(list), SIZE_MAX)) {
      svg << "M" << Num(x0) << " " << Num(y) << "H" << Num(x1) << "v" << kStripH << "H" << Num(x0) << "z";
      ++marks;
    }
    svg << "\"/>\n";
  }
  return marks;
}

}  // namespace

std::uint64_t ByteTickStep(std::uint64_t max, std::size_t max_ticks) {
  std::uint64_t step = 1;
  while (max / step > max_ticks) step *= 2;
  return step;
}

std::uint64_t TimeTickStep(std::uint64_t max_ns, std::size_t max_ticks) {
  for (std::uint64_t decade = 1;; decade *= 10) {
    for (const std::uint64_t factor : {1, 2, 5}) {
      if (max_ns / (decade * factor) <= max_ticks) return decade * factor;
    }
  }
}

std::string ByteTickLabel(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes == 0) return "0";
  std::size_t unit = 0;
  while (unit + 1 < 5 && bytes >= (1ull << (10 * (unit + 1)))) ++unit;
  const std::uint64_t whole = 1ull << (10 * unit);
  char text[32];
  if (bytes % whole == 0) {
    std::snprintf(text, sizeof text, "%llu %s", static_cast<unsigned long long>(bytes / whole), kUnits[unit]);
  } else {
    std::snprintf(text, sizeof text, "%g %s", static_cast<double>(bytes) / static_cast<double>(whole), kUnits[unit]);
  }
  return text;
}

std::string TimeTickLabel(std::uint64_t ns) {
  char text[32];
  if (ns == 0) return "0";
  if (ns >= 1'000'000'000) std::snprintf(text, sizeof text, "%g s", static_cast<double>(ns) / 1e9);
  else if (ns >= 1'000'000) std::snprintf(text, sizeof text, "%g ms", static_cast<double>(ns) / 1e6);
  else if (ns >= 1'000) std::snprintf(text, sizeof text, "%g µs", static_cast<double>(ns) / 1e3);
  else std::snprintf(text, sizeof text, "%llu ns", static_cast<unsigned long long>(ns));
  return text;
}

std::string RenderWriteMapSvg(const WriteMap& map) {
  const Scale s = Fit(map);
  std::ostringstream body;
  // A label only where it does not land on another: QEMU's small blocks
  // (ROMs, ACPI tables) sit within a pixel of each other on a large guest.
  std::vector<double> label_ys;
  for (const WriteMapRegion& r : map.regions) {
    const double y0 = s.Y(r.end), y1 = s.Y(r.begin);
    body << "<rect x=\"" << kLeft << "\" y=\"" << Num(y0) << "\" width=\"" << kPlotW << "\" height=\""
         << Num(std::max(1.0, y1 - y0)) << "\" fill=\"#eef3f8\" stroke=\"#c8d6e5\"/>\n";
    const double label_y = y0 + 12;
    const bool free = std::none_of(label_ys.begin(), label_ys.end(), [&](double y) { return std::abs(y - label_y) < 11; });
    if (!free) continue;
    label_ys.push_back(label_y);
    body << "<text x=\"" << kLeft + kPlotW - 4 << "\" y=\"" << Num(label_y)
         << "\" text-anchor=\"end\" font-size=\"10\" fill=\"#4a5f75\">" << XmlEscape(r.label) << "</text>\n";
  }
  Axes(body, s);
  SidesBand(body, map, s);
  std::size_t marks = DrawOperations(body, map, s);
  const auto violations = DrawViolations(body, map, s);
  Legend(body, map, violations);
  marks += ChannelStrips(body, map, s);

  const double height = kStripTop + static_cast<double>(map.channels.size()) * (kStripH + kStripGap) + 20;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << kWidth << " " << height << "\" font-family=\"sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"22\" font-size=\"16\" font-weight=\"bold\">" << XmlEscape(map.title) << "</text>\n"
      << "<text x=\"" << kLeft << "\" y=\"40\" font-size=\"12\" fill=\"#555\">" << XmlEscape(map.subtitle) << "</text>\n"
      << "<text x=\"" << kLeft << "\" y=\"56\" font-size=\"11\" fill=\"#777\">"
      << (map.operations != 0 ? map.operations : map.points.size()) << " operations"
      << (map.sample_stride > 1 ? " (1 in " + std::to_string(map.sample_stride) + " drawn)" : "") << ", drawn as " << marks << " marks (overlaps merged, at most " << kMaxMarksPerColumn
      << " per pixel column and channel)</text>\n"
      << body.str() << "</svg>\n";
  return svg.str();
}

WriteMapSample::WriteMapSample(WriteMap& map, std::uint64_t budget)
    : map_(map), budget_(std::max<std::uint64_t>(budget, 1)) {}

void WriteMapSample::Add(WriteMapPoint point) {
  ++map_.operations;
  if (point.violation) {
    map_.points.push_back(std::move(point));
    return;
  }
  const std::size_t side = point.is_read ? 1 : 0;
  last_[side] = point;
  last_rank_[side] = seen_;
  if (seen_++ % map_.sample_stride != 0) return;
  map_.points.push_back(std::move(point));
  if (++kept_ > budget_) Halve();
}

void WriteMapSample::Finish() {
  for (std::size_t side = 0; side < 2; ++side) {
    if (last_[side] && last_rank_[side] % map_.sample_stride != 0) map_.points.push_back(std::move(*last_[side]));
    last_[side].reset();
  }
}

// Keeps every other ordinary point: the sample then holds exactly the
// operations whose rank among all seen is a multiple of the doubled stride.
void WriteMapSample::Halve() {
  std::uint64_t rank = 0;
  std::erase_if(map_.points, [&](const WriteMapPoint& p) { return !p.violation && rank++ % 2 == 1; });
  kept_ = (kept_ + 1) / 2;
  map_.sample_stride *= 2;
}

}  // namespace dioh
