#include "fs/diocheck/violation.h"

namespace diocheck {

std::string_view AlignSourceName(AlignSource source) {
  switch (source) {
    case AlignSource::kDiofs: return "diofs";
    case AlignSource::kStatx: return "statx";
    case AlignSource::kEnv: return "env";
    case AlignSource::kNone: break;
  }
  return "none";
}

std::string_view ModeName(Mode mode) { return mode == Mode::kRecord ? "record" : "einval"; }

SegmentCheck CheckSegments(const struct iovec* segments, int count, uint64_t mem_align) {
  SegmentCheck check;
  const uint64_t mask = mem_align - 1;
  for (int i = 0; i < count; ++i) {
    const auto address = reinterpret_cast<uintptr_t>(segments[i].iov_base);
    if ((address & mask) == 0 && (segments[i].iov_len & mask) == 0) continue;
    if (check.first_bad < 0) check.first_bad = i;
    ++check.bad_count;
  }
  return check;
}

bool FormatViolationLine(const Violation& v, LineBuffer& out) {
  out.Append("{\"diocheck\":\"mem_align\",\"pid\":");
  out.AppendSigned(v.pid);
  out.Append(",\"tid\":");
  out.AppendSigned(v.tid);
  out.Append(",\"fd\":");
  out.AppendSigned(v.fd);
  out.Append(",\"path\":");
  out.AppendJsonString(v.path);
  out.Append(",\"call\":");
  out.AppendJsonString(v.call);
  if (v.positioned) {
    out.Append(",\"offset\":");
    out.AppendSigned(v.offset);
  }
  out.Append(",\"segment\":");
  out.AppendSigned(v.segment);
  out.Append(",\"segments\":");
  out.AppendSigned(v.segment_count);
  out.Append(",\"misaligned_segments\":");
  out.AppendSigned(v.misaligned_segments);
  out.Append(",\"address\":\"");
  out.AppendHex(v.address);
  out.Append("\",\"length\":");
  out.AppendUnsigned(v.length);
  out.Append(",\"mem_align\":");
  out.AppendUnsigned(v.mem_align);
  out.Append(",\"align_source\":");
  out.AppendJsonString(AlignSourceName(v.source));
  out.Append(",\"mode\":");
  out.AppendJsonString(ModeName(v.mode));
  out.Append("}\n");
  return !out.truncated();
}

}  // namespace diocheck
