#include "harness/exec/exec_judge.h"

#include <fcntl.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <tuple>

#include <nlohmann/json.hpp>

namespace dioh::exec {
namespace {

using diofs::OpKind;
using diofs::Rule;
using diofs::oplog::LogRecord;

bool IsDirect(std::uint32_t flags) { return (flags & O_DIRECT) != 0; }
bool IsTransfer(OpKind kind) { return kind == OpKind::kRead || kind == OpKind::kWrite; }
bool IsOpen(OpKind kind) { return kind == OpKind::kOpen || kind == OpKind::kCreate; }

std::string RuleName(Rule rule) {
  switch (rule) {
    case Rule::kOffsetAlign: return "offset";
    case Rule::kLengthAlign: return "length";
    case Rule::kMemAlign: return "buffer";
    case Rule::kODirectUnsupported: return "o_direct-unsupported";
    case Rule::kNone: break;
  }
  return "none";
}

std::string OperationName(OpKind kind) {
  return kind == OpKind::kRead ? "read" : kind == OpKind::kWrite ? "write" : IsOpen(kind) ? "open" : "op";
}

// libdiocheck's absolute path, as the op log names it when it is in the mount.
std::string InMount(const std::string& path, const std::string& mountpoint) {
  if (!mountpoint.empty() && path.size() > mountpoint.size() && path.compare(0, mountpoint.size(), mountpoint) == 0 &&
      path[mountpoint.size()] == '/') {
    return path.substr(mountpoint.size());
  }
  return path;
}

std::uint64_t Unsigned(const nlohmann::json& report, const char* key) {
  const auto it = report.find(key);
  return it != report.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::string Text(const nlohmann::json& report, const char* key) {
  const auto it = report.find(key);
  return it != report.end() && it->is_string() ? it->get<std::string>() : "";
}

// A libdiocheck mem_align report (DIOCHECK.md, "Reports") as a violation.
DirectIoViolation FromDiocheckReport(const nlohmann::json& report, const std::string& mountpoint) {
  DirectIoViolation v;
  v.path = InMount(Text(report, "path"), mountpoint);
  v.pid = static_cast<std::uint32_t>(Unsigned(report, "pid"));
  v.tid = static_cast<std::uint32_t>(Unsigned(report, "tid"));
  v.operation = Text(report, "call");
  v.rule = "buffer";
  v.has_offset = report.contains("offset");
  v.offset = Unsigned(report, "offset");
  v.length = Unsigned(report, "length");
  v.address = Text(report, "address");
  v.align = Unsigned(report, "mem_align");
  v.refused = Text(report, "mode") != "record";
  if (const auto it = report.find("call_site"); it != report.end() && it->is_array()) {
    for (const auto& frame : *it) {
      if (frame.is_string()) v.call_site.push_back(frame.get<std::string>());
    }
  }
  return v;
}

nlohmann::json ParseObject(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_object() ? json : nlohmann::json();
}

// Where a process's O_DIRECT went wrong on a path, waiting for buffered transfers.
struct Refusal {
  std::string cause;
  std::optional<std::size_t> fallback;  // index into Judgement::fallbacks once buffered I/O follows
};

class Judge final {
 public:
  explicit Judge(const std::string& mountpoint) : mountpoint_(mountpoint) {}

  void Record(const LogRecord& r) {
    ++j_.counts.records;
    if (r.path.starts_with("/.diofs") && r.kind != OpKind::kViolation) return;  // the fixture's own control files
    Count(r);
    if (r.kind == OpKind::kViolation) return Violation(r);
    if (r.rule != Rule::kNone) AddViolation(FromRecord(r), r.path, r.pid, r.seq);
    if (r.kind == OpKind::kFlagChange && IsDirect(r.aux) && !IsDirect(r.flags)) {
      refusals_.try_emplace({r.pid, r.path}, Refusal{"fcntl cleared O_DIRECT (seq " + std::to_string(r.seq) + ")", {}});
    }
    if (IsTransfer(r.kind) && !IsDirect(r.flags) && r.result >= 0) Buffered(r);
  }

  void DiocheckLine(const std::string& line) {
    if (line.empty()) return;
    const nlohmann::json report = ParseObject(line);
    const std::string kind = report.is_object() ? Text(report, "diocheck") : "";
    if (kind == "unchecked") {
      j_.unchecked.push_back(Text(report, "what") + " in pid " + std::to_string(Unsigned(report, "pid")) + " (" +
                             Text(report, "call") + "): buffers not checked");
    } else if (kind == "mem_align") {
      // On diofs the op log holds the same report (a /.diofs/violation record).
      if (Text(report, "align_source") != "diofs") j_.violations.push_back(FromDiocheckReport(report, mountpoint_));
    } else {
      j_.unreadable.push_back(line);
    }
  }

  Judgement Take() {
    for (const DirectIoViolation& v : j_.violations) ++(v.refused ? j_.counts.refused : j_.counts.recorded);
    return std::move(j_);
  }

 private:
  void Count(const LogRecord& r) {
    OpCounts& c = j_.counts;
    if (IsOpen(r.kind)) {
      ++c.opens;
      c.direct_opens += IsDirect(r.flags) ? 1 : 0;
    } else if (r.kind == OpKind::kRead) {
      ++c.reads;
      c.direct_reads += IsDirect(r.flags) ? 1 : 0;
      c.bytes_read += r.result > 0 ? static_cast<std::uint64_t>(r.result) : 0;
    } else if (r.kind == OpKind::kWrite) {
      ++c.writes;
      c.direct_writes += IsDirect(r.flags) ? 1 : 0;
      c.bytes_written += r.result > 0 ? static_cast<std::uint64_t>(r.result) : 0;
    }
  }

  static DirectIoViolation FromRecord(const LogRecord& r) {
    DirectIoViolation v;
    v.seq = r.seq;
    v.path = r.path;
    v.pid = r.pid;
    v.tid = r.tid;
    v.operation = OperationName(r.kind);
    v.rule = RuleName(r.rule);
    v.has_offset = IsTransfer(r.kind);
    v.offset = r.offset;
    v.length = r.length;
    v.refused = r.verdict == diofs::Verdict::kRejected;
    return v;
  }

  void Violation(const LogRecord& r) {
    const nlohmann::json report = ParseObject(r.text);
    if (!report.is_object()) {
      j_.unreadable.push_back("seq " + std::to_string(r.seq) + ": " + r.text);
      return;
    }
    DirectIoViolation v = FromDiocheckReport(report, mountpoint_);
    v.seq = r.seq;
    v.refused = r.verdict == diofs::Verdict::kRejected;
    const std::string path = v.path;
    AddViolation(std::move(v), path, r.pid, r.seq);
  }

  void AddViolation(DirectIoViolation v, const std::string& path, std::uint32_t pid, std::uint64_t seq) {
    // Only a refusal can force a fallback: in record mode the I/O went through.
    if (v.refused) {
      refusals_.try_emplace({pid, path}, Refusal{v.operation + " O_DIRECT refused (seq " + std::to_string(seq) + ")", {}});
    }
    j_.violations.push_back(std::move(v));
  }

  void Buffered(const LogRecord& r) {
    const auto it = refusals_.find({r.pid, r.path});
    if (it == refusals_.end()) return;
    if (!it->second.fallback) {
      it->second.fallback = j_.fallbacks.size();
      j_.fallbacks.push_back(Fallback{r.path, r.pid, it->second.cause, r.seq, 0, 0});
    }
    Fallback& f = j_.fallbacks[*it->second.fallback];
    ++f.buffered_transfers;
    f.buffered_bytes += static_cast<std::uint64_t>(r.result);
  }

  std::string mountpoint_;
  Judgement j_;
  std::map<std::tuple<std::uint32_t, std::string>, Refusal> refusals_;
};

}  // namespace

Judgement Judge(const diofs::oplog::RecordSource& records, std::span<const std::string> diocheck_lines,
                const std::string& mountpoint) {
  class Judge judge(mountpoint);
  records.ForEach([&](const LogRecord& r) {
    judge.Record(r);
    return true;
  });
  for (const std::string& line : diocheck_lines) judge.DiocheckLine(line);
  return judge.Take();
}

std::string Describe(const DirectIoViolation& v) {
  std::string text = v.operation + " " + v.path;
  if (v.has_offset) text += " offset " + std::to_string(v.offset);
  if (v.operation != "open") text += " length " + std::to_string(v.length);
  if (v.rule == "buffer") {
    // libdiocheck refuses a segment whose address or length misses the
    // memory alignment (the kernel's iov_iter_alignment rule): say which.
    const std::uint64_t address = std::strtoull(v.address.c_str(), nullptr, 16);
    const bool length_only = v.align != 0 && address % v.align == 0 && v.length % v.align != 0;
    text += length_only ? ": buffer length " + std::to_string(v.length) + " not a multiple of " + std::to_string(v.align) +
                              " (its address " + v.address + " is aligned)"
                        : ": buffer " + v.address + " not a multiple of " + std::to_string(v.align);
  } else if (v.rule == "o_direct-unsupported") {
    text += ": O_DIRECT not supported by the profile";
  } else {
    text += ": " + v.rule + " not aligned";
  }
  text += std::string(v.refused ? ", refused" : ", let through (record)") + "; thread " + std::to_string(v.tid) +
          " of pid " + std::to_string(v.pid);
  if (v.seq != 0) text += " (seq " + std::to_string(v.seq) + ")";
  if (!v.call_site.empty()) {
    text += "; call site: ";
    for (std::size_t i = 0; i < v.call_site.size(); ++i) text += (i == 0 ? "" : " < ") + v.call_site[i];
  }
  return text;
}

std::string Describe(const Fallback& f) {
  return "pid " + std::to_string(f.pid) + " fell back to buffered I/O on " + f.path + " after " + f.cause + ": " +
         std::to_string(f.buffered_transfers) + " buffered transfers, " + std::to_string(f.buffered_bytes) +
         " bytes, from seq " + std::to_string(f.first_buffered_seq);
}

}  // namespace dioh::exec
