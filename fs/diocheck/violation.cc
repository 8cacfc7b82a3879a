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

namespace {

void AppendCallSiteArray(const CallSite* call_site, LineBuffer& out) {
  if (call_site == nullptr || call_site->size() == 0) return;
  out.Append(",\"call_site\":[");
  for (int i = 0; i < call_site->size(); ++i) {
    if (i > 0) out.AppendChar(',');
    out.AppendJsonString(call_site->frame(i));
  }
  out.AppendChar(']');
}

// "; thread T of pid P; call site: A < B" and the newline.
void AppendThreadAndCallSite(int64_t tid, int64_t pid, const CallSite* call_site, LineBuffer& out) {
  out.Append("; thread ");
  out.AppendSigned(tid);
  out.Append(" of pid ");
  out.AppendSigned(pid);
  if (call_site != nullptr && call_site->size() > 0) {
    out.Append("; call site: ");
    for (int i = 0; i < call_site->size(); ++i) {
      if (i > 0) out.Append(" < ");
      out.Append(call_site->frame(i));
    }
  }
  out.AppendChar('\n');
}

}  // namespace

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
  AppendCallSiteArray(v.call_site, out);
  out.Append("}\n");
  return !out.truncated();
}

bool FormatStderrLine(const Violation& v, LineBuffer& out) {
  out.Append(v.mode == Mode::kEinval ? "libdiocheck: refused " : "libdiocheck: let through (record mode) ");
  out.Append(v.call);
  out.Append("(fd ");
  out.AppendSigned(v.fd);
  if (!v.path.empty()) {
    out.AppendChar(' ');
    out.Append(v.path);
  }
  if (v.positioned) {
    out.Append(", offset ");
    out.AppendSigned(v.offset);
  }
  out.Append(", ");
  out.AppendUnsigned(v.length);
  out.Append(" bytes");
  if (v.segment_count > 1) {
    out.Append(" in segment ");
    out.AppendSigned(v.segment + 1);  // counted from 1 for a reader; the JSON's index is from 0
    out.Append(" of ");
    out.AppendSigned(v.segment_count);
  }
  const bool address_bad = (v.address & (v.mem_align - 1)) != 0;
  out.Append(address_bad ? "): buffer address " : "): buffer length ");
  if (address_bad) {
    out.AppendHex(v.address);
  } else {
    out.AppendUnsigned(v.length);
  }
  out.Append(" is not a multiple of ");
  out.AppendUnsigned(v.mem_align);
  out.Append(" (");
  out.Append(AlignSourceName(v.source));
  out.AppendChar(')');
  AppendThreadAndCallSite(v.tid, v.pid, v.call_site, out);
  return !out.truncated();
}

bool FormatUncheckedLine(const UncheckedIo& u, LineBuffer& out) {
  out.Append("{\"diocheck\":\"unchecked\",\"pid\":");
  out.AppendSigned(u.pid);
  out.Append(",\"tid\":");
  out.AppendSigned(u.tid);
  out.Append(",\"what\":");
  out.AppendJsonString(u.what);
  out.Append(",\"call\":");
  out.AppendJsonString(u.call);
  AppendCallSiteArray(u.call_site, out);
  out.Append("}\n");
  return !out.truncated();
}

bool FormatUncheckedStderrLine(const UncheckedIo& u, LineBuffer& out) {
  out.Append("libdiocheck: ");
  out.Append(u.call);
  out.Append(": this program uses ");
  out.Append(u.what);
  out.Append("; its buffers cannot be checked from LD_PRELOAD (diofs still checks offsets and lengths)");
  AppendThreadAndCallSite(u.tid, u.pid, u.call_site, out);
  return !out.truncated();
}

}  // namespace diocheck
