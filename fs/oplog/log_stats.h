// Stats over a decoded op log: counts by op, direct (O_DIRECT in the op's
// flags) against buffered reads and writes, per calling thread (so each
// multifd channel shows as its own line), and rule violations by rule.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "fs/oplog/log_format.h"

namespace diofs::oplog {

struct TransferCount {
  std::uint64_t ops = 0;
  std::uint64_t bytes = 0;  // bytes actually transferred (results >= 0)
};

struct ThreadStats {
  std::uint32_t pid = 0;  // process of the thread's first record
  std::uint64_t records = 0;
  TransferCount reads;
  TransferCount writes;
  std::uint64_t direct_ops = 0;  // reads and writes with O_DIRECT in force
  std::uint64_t violations = 0;
};

struct LogStats {
  std::uint64_t records = 0;
  std::uint64_t failed = 0;  // result < 0
  std::map<OpKind, std::uint64_t> by_op;
  TransferCount direct_reads;
  TransferCount buffered_reads;
  TransferCount direct_writes;
  TransferCount buffered_writes;
  std::map<std::uint32_t, ThreadStats> by_thread;   // key: tid
  std::map<Rule, std::uint64_t> violations_by_rule;  // records whose rule is not kNone
  std::uint64_t violations_rejected = 0;            // of those, failed with EINVAL
};

bool IsDirect(std::uint32_t open_flags);
// Counts one more record into `stats` (a log read record by record).
void AddToStats(LogStats& stats, const LogRecord& record);
LogStats ComputeStats(std::span<const LogRecord> records);

}  // namespace diofs::oplog
