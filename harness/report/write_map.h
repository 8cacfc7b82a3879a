// The write map: an SVG of file offset against time, one colour per channel
// (thread), pages regions shaded, violations marked — so a person sees at a
// glance which channel wrote where, and what broke a rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dioh {

struct WriteMapPoint {
  std::uint64_t t_ns = 0;    // when the operation started (any monotonic origin)
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::size_t channel = 0;   // index into WriteMap::channels
  bool is_read = false;      // reads are drawn dashed
  bool violation = false;    // marked with a red cross
};

struct WriteMapRegion {
  std::uint64_t begin = 0;  // [begin, end) in file offsets
  std::uint64_t end = 0;
  std::string label;        // "pc.ram pages"
};

struct WriteMap {
  std::string title;
  std::string subtitle;                // e.g. "strict-4k, 4 channels, direct-io on"
  std::vector<std::string> channels;   // legend labels; channel 0 is drawn dark grey
  std::vector<WriteMapPoint> points;
  std::vector<WriteMapRegion> regions;
};

std::string RenderWriteMapSvg(const WriteMap& map);

}  // namespace dioh
