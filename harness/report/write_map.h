// The write map: an SVG of file offset against time, one colour per channel
// (thread), pages regions shaded, the save and the load labelled, violations
// marked and labelled with the check they break — so a person sees at a
// glance which channel wrote where, and what broke a rule. The file stays
// small whatever the number of operations: overlapping marks are merged, and
// a pixel column holds at most kMaxMarksPerColumn marks per channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dioh {

struct WriteMapPoint {
  std::uint64_t t_ns = 0;    // when the operation started (any monotonic origin)
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::size_t channel = 0;   // index into WriteMap::channels
  bool is_read = false;      // a read (the load): drawn dashed
  bool violation = false;    // marked with a cross
  std::string check{};       // the check a violation breaks ("odirect-aligned"); "" = unnamed
};

struct WriteMapRegion {
  std::uint64_t begin = 0;  // [begin, end) in file offsets
  std::uint64_t end = 0;
  std::string label;        // "pc.ram pages"
};

struct WriteMap {
  std::string title;
  std::string subtitle;                // e.g. "strict-4k, 4 channels, direct-io on"
  std::vector<std::string> channels;   // legend labels; channel 0 is the main channel
  std::vector<WriteMapPoint> points;
  std::vector<WriteMapRegion> regions;
  // When `points` is a sample (a builder's memory bound): how many operations
  // the map stands for, and the stride of the sample (1 in `sample_stride`
  // of the ordinary operations; every violation is a point). 0: all of them.
  std::uint64_t operations = 0;
  std::uint64_t sample_stride = 1;
};

// Marks per pixel column and channel, at most: beyond, the closest are merged.
inline constexpr std::size_t kMaxMarksPerColumn = 4;
// Violation crosses drawn, at most (the legend counts them all).
inline constexpr std::size_t kMaxViolationMarks = 200;

std::string RenderWriteMapSvg(const WriteMap& map);

// Fills a map's points from operations given one at a time: every
// violation, and of the other operations a sample that halves (1 in 2, 4,
// 8 ...) whenever it outgrows `budget` points, so that the map of a log of
// any length takes bounded memory (an 8 GiB save and load log about a
// million transfers; the renderer draws at most kMaxMarksPerColumn marks per
// pixel column and channel anyway). The last operation of each direction is
// kept too: the time axis and the save and load bands end there. Sets
// WriteMap::operations and sample_stride.
inline constexpr std::uint64_t kWriteMapSampleBudget = 1u << 17;
class WriteMapSample {
 public:
  WriteMapSample(WriteMap& map, std::uint64_t budget = kWriteMapSampleBudget);
  void Add(WriteMapPoint point);
  // After the last Add: each direction's last operation, unless the sample holds it.
  void Finish();

 private:
  void Halve();

  WriteMap& map_;
  const std::uint64_t budget_;
  std::uint64_t seen_ = 0;  // ordinary operations seen
  std::uint64_t kept_ = 0;  // ordinary operations among map_.points
  std::optional<WriteMapPoint> last_[2];  // the last ordinary write and read
  std::uint64_t last_rank_[2] = {0, 0};   // their ranks among the ordinary operations
};

// Axis ticks: a power of two bytes (64 MiB, 512 KiB) and 1, 2 or 5 times a
// power of ten nanoseconds, so that [0, max] holds at most `max_ticks` + 1 ticks.
std::uint64_t ByteTickStep(std::uint64_t max, std::size_t max_ticks);
std::uint64_t TimeTickStep(std::uint64_t max_ns, std::size_t max_ticks);
// "0", "512 KiB", "192 MiB", "1.5 GiB": a tick label, exact for a multiple of a step.
std::string ByteTickLabel(std::uint64_t bytes);
// "0", "250 ms", "1.5 s".
std::string TimeTickLabel(std::uint64_t ns);

}  // namespace dioh
