#include "harness/logtool/record_text.h"

#include <cstdarg>
#include <cstdio>

#include "fs/core/op_names.h"
#include "harness/logtool/record_json.h"
#include "harness/os/errno_status.h"

namespace dioharness::logtool {

using diofs::oplog::LogRecord;

namespace {

[[gnu::format(printf, 1, 2)]] std::string Format(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  return out;
}

std::string ResultText(std::int64_t result) {
  return result < 0 ? dioh::ErrnoName(result) : std::to_string(result);
}

std::string Transfer(const char* what, const diofs::oplog::TransferCount& count) {
  return Format("%-9s %10llu ops %14llu bytes\n", what, static_cast<unsigned long long>(count.ops),
                static_cast<unsigned long long>(count.bytes));
}

}  // namespace

// The log holds the kernel's flags as FUSE passed them (LOG_FORMAT.md), so
// the kernel's values (include/uapi/asm-generic/fcntl.h, x86-64), not
// <fcntl.h>'s: glibc defines O_LARGEFILE as 0 on 64-bit hosts, the kernel
// sets 0100000 on every open from a 64-bit process.
std::string OpenFlagsText(std::uint32_t flags) {
  struct Named {
    std::uint32_t bits;
    const char* name;
  };
  // O_SYNC and O_TMPFILE are several bits: before the single bits they hold.
  static constexpr Named kNames[] = {
      {04010000, "O_SYNC"},      {020200000, "O_TMPFILE"},  {0100, "O_CREAT"},        {0200, "O_EXCL"},
      {0400, "O_NOCTTY"},        {01000, "O_TRUNC"},        {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},
      {010000, "O_DSYNC"},       {020000, "O_ASYNC"},       {040000, "O_DIRECT"},     {0100000, "O_LARGEFILE"},
      {0200000, "O_DIRECTORY"},  {0400000, "O_NOFOLLOW"},   {01000000, "O_NOATIME"},  {02000000, "O_CLOEXEC"},
      {010000000, "O_PATH"}};
  constexpr std::uint32_t kAccessMode = 03;
  const std::uint32_t mode = flags & kAccessMode;
  std::string text = mode == 0 ? "O_RDONLY" : mode == 1 ? "O_WRONLY" : mode == 2 ? "O_RDWR" : "O_ACCMODE";
  std::uint32_t left = flags & ~kAccessMode;
  for (const Named& named : kNames) {
    if ((left & named.bits) != named.bits) continue;
    text += std::string("|") + named.name;
    left &= ~named.bits;
  }
  if (left != 0) text += Format("|0x%x", left);
  return text;
}

std::string RecordTableHeading() {
  return Format("%8s %12s %-11s %7s %7s %-24s %12s %9s %-30s %-3s %9s %-19s %16s %s", "seq", "time_ms",
                "op", "pid", "tid", "path", "offset", "length", "flags", "dio", "result",
                "rule/verdict", "data_hash", "text");
}

std::string RecordTableLine(const LogRecord& r, std::uint64_t start_monotonic_ns) {
  const double ms = r.start_ns >= start_monotonic_ns
                        ? static_cast<double>(r.start_ns - start_monotonic_ns) / 1e6
                        : 0.0;
  const std::string rule =
      r.rule == diofs::Rule::kNone
          ? "-"
          : std::string(diofs::RuleName(r.rule)) + "/" + std::string(diofs::VerdictName(r.verdict));
  std::string line = Format(
      "%8llu %12.3f %-11s %7u %7u %-24s %12llu %9llu %-30s %-3s %9s %-19s %16s", static_cast<unsigned long long>(r.seq),
      ms, std::string(diofs::OpKindName(r.kind)).c_str(), r.pid, r.tid, r.path.c_str(),
      static_cast<unsigned long long>(r.offset), static_cast<unsigned long long>(r.length), OpenFlagsText(r.flags).c_str(),
      diofs::oplog::IsDirect(r.flags) ? "D" : "-", ResultText(r.result).c_str(), rule.c_str(),
      r.data_size > 0 ? HashHex(r.data_hash).c_str() : "-");
  if (!r.text.empty()) line += " \"" + r.text + "\"";
  return line;
}

std::string StatsText(const diofs::oplog::LogHeader& header, const diofs::oplog::LogStats& stats) {
  std::string out = Format("profile %s, max_write %u, data kept: %s\n", header.profile.c_str(),
                           header.max_write, header.keep_data ? "yes" : "no");
  out += Format("records %llu, failed %llu\n\nby op:\n", static_cast<unsigned long long>(stats.records),
                static_cast<unsigned long long>(stats.failed));
  for (const auto& [kind, count] : stats.by_op) {
    out += Format("  %-12s %10llu\n", std::string(diofs::OpKindName(kind)).c_str(),
                  static_cast<unsigned long long>(count));
  }
  out += "\nreads and writes, direct (O_DIRECT) vs buffered:\n";
  out += "  " + Transfer("read D", stats.direct_reads) + "  " + Transfer("read buf", stats.buffered_reads);
  out += "  " + Transfer("write D", stats.direct_writes) + "  " + Transfer("write buf", stats.buffered_writes);
  out += Format("\nper thread:\n  %8s %8s %9s %8s %14s %8s %14s %8s %10s\n", "tid", "pid", "records",
                "reads", "read_bytes", "writes", "write_bytes", "direct", "violations");
  for (const auto& [tid, t] : stats.by_thread) {
    out += Format("  %8u %8u %9llu %8llu %14llu %8llu %14llu %8llu %10llu\n", tid, t.pid,
                  static_cast<unsigned long long>(t.records), static_cast<unsigned long long>(t.reads.ops),
                  static_cast<unsigned long long>(t.reads.bytes), static_cast<unsigned long long>(t.writes.ops),
                  static_cast<unsigned long long>(t.writes.bytes), static_cast<unsigned long long>(t.direct_ops),
                  static_cast<unsigned long long>(t.violations));
  }
  out += "\nviolations by rule:\n";
  if (stats.violations_by_rule.empty()) out += "  none\n";
  for (const auto& [rule, count] : stats.violations_by_rule) {
    out += Format("  %-20s %10llu\n", std::string(diofs::RuleName(rule)).c_str(),
                  static_cast<unsigned long long>(count));
  }
  out += Format("  (rejected with EINVAL: %llu)\n", static_cast<unsigned long long>(stats.violations_rejected));
  return out;
}

}  // namespace dioharness::logtool
