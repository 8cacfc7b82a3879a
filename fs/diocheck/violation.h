// What a misaligned O_DIRECT transfer is, how it is found among the segments
// of a call, and the one JSON line that reports it.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <string_view>

#include "fs/diocheck/call_site.h"
#include "fs/diocheck/line_buffer.h"

namespace diocheck {

// Where a description's memory alignment came from (see DIOCHECK.md).
enum class AlignSource : uint8_t { kNone = 0, kDiofs = 1, kStatx = 2, kEnv = 3 };
std::string_view AlignSourceName(AlignSource source);

enum class Mode : uint8_t { kEinval, kRecord };
std::string_view ModeName(Mode mode);

// The first segment whose address or length is not a multiple of
// `mem_align` (a power of two > 1), and how many segments are misaligned.
struct SegmentCheck {
  int first_bad = -1;  // -1: every segment is aligned
  int bad_count = 0;
  bool ok() const { return first_bad < 0; }
};
SegmentCheck CheckSegments(const struct iovec* segments, int count, uint64_t mem_align);

// One rejected (or, in record mode, let-through) call.
struct Violation {
  int64_t pid = 0;
  int64_t tid = 0;
  int fd = -1;
  std::string_view path;       // what /proc/self/fd/<fd> names, may be empty
  std::string_view call;       // the interposed symbol, e.g. "pwritev2"
  bool positioned = false;     // true for the p* calls: `offset` is meaningful
  int64_t offset = 0;
  int segment = 0;             // index of the first misaligned segment
  int segment_count = 1;
  int misaligned_segments = 1;
  uint64_t address = 0;        // of that segment
  uint64_t length = 0;         // of that segment
  uint64_t mem_align = 0;
  AlignSource source = AlignSource::kNone;
  Mode mode = Mode::kEinval;
  const CallSite* call_site = nullptr;  // where the program made the call, when known
};

// Writes `violation` as one JSON object followed by '\n' (the report of
// DIOCHECK.md, with "call_site": [frames] when known). Returns false when
// the line did not fit (the caller then drops the path and retries).
bool FormatViolationLine(const Violation& violation, LineBuffer& out);

// The line for stderr, followed by '\n':
// "libdiocheck: refused pwrite(fd 3 /tmp/f, offset 0, 4096 bytes): buffer
// address 0x5581a2b2a8 is not a multiple of 512 (statx); thread 4245 of pid
// 4242; call site: main+0x4f (/tmp/prog+0x1189) < __libc_start_call_main+0x79
// (...)". Same truncation rule.
bool FormatStderrLine(const Violation& violation, LineBuffer& out);

// A program set up I/O that LD_PRELOAD cannot check (io_uring: submissions
// are written into a ring shared with the kernel, never passed to a call).
struct UncheckedIo {
  int64_t pid = 0;
  int64_t tid = 0;
  std::string_view what;  // "io_uring"
  std::string_view call;  // "io_uring_setup", "io_uring_queue_init", ...
  const CallSite* call_site = nullptr;
};

// {"diocheck":"unchecked","pid":..,"tid":..,"what":"io_uring","call":"io_uring_setup","call_site":[..]}
bool FormatUncheckedLine(const UncheckedIo& unchecked, LineBuffer& out);
// "libdiocheck: io_uring_setup: this program uses io_uring; its buffers cannot be
// checked from LD_PRELOAD (diofs still checks offsets and lengths); thread 7 of pid 7; call site: ..."
bool FormatUncheckedStderrLine(const UncheckedIo& unchecked, LineBuffer& out);

}  // namespace diocheck
