#include "fs/oplog/log_stats.h"

#include <fcntl.h>

namespace diofs::oplog {
namespace {

void Count(TransferCount& count, std::int64_t result) {
  ++count.ops;
  if (result > 0) count.bytes += static_cast<std::uint64_t>(result);
}

}  // namespace

bool IsDirect(std::uint32_t open_flags) { return (open_flags & O_DIRECT) != 0; }

void AddToStats(LogStats& stats, const LogRecord& r) {
  ++stats.records;
  if (r.result < 0) ++stats.failed;
  ++stats.by_op[r.kind];
  auto [thread_it, first] = stats.by_thread.try_emplace(r.tid);
  ThreadStats& thread = thread_it->second;
  if (first) thread.pid = r.pid;
  ++thread.records;
  const bool direct = IsDirect(r.flags);
  if (r.kind == OpKind::kRead) {
    Count(direct ? stats.direct_reads : stats.buffered_reads, r.result);
    Count(thread.reads, r.result);
    thread.direct_ops += direct ? 1 : 0;
  } else if (r.kind == OpKind::kWrite) {
    Count(direct ? stats.direct_writes : stats.buffered_writes, r.result);
    Count(thread.writes, r.result);
    thread.direct_ops += direct ? 1 : 0;
  }
  if (r.rule != Rule::kNone) {
    ++stats.violations_by_rule[r.rule];
    ++thread.violations;
    if (r.verdict == Verdict::kRejected) ++stats.violations_rejected;
  }
}

LogStats ComputeStats(std::span<const LogRecord> records) {
  LogStats stats;
  for (const LogRecord& r : records) AddToStats(stats, r);
  return stats;
}

}  // namespace diofs::oplog
