// The op log of a run as the runner hands it to the checks: how it ended,
// learnt in one pass when it is opened, and its records, read again pass by
// pass (RecordSource) instead of held, so the harness's memory does not grow
// with the log.
#pragma once

#include <memory>
#include <string>

#include "common/status/status.h"
#include "fs/oplog/log_reader.h"
#include "fs/oplog/record_source.h"

namespace dioh {

using diofs::oplog::RecordSource;

struct OpLog {
  bool complete = false;  // a trailer after the last record, no damage
  Status damage;          // why decoding stopped early ("torn record at byte 4242: ..."), or OK
  std::uint64_t records_count = 0;
  RecordSource records;   // the good records, in seq order
};

// The log file at `path` (fs/oplog/LOG_FORMAT.md), read once to learn how it
// ended; each later pass re-reads the file, one 1 MiB piece at a time, and
// fails if it no longer holds the records it held at open. Fails as
// LogFileReader::Open does (missing, unreadable, not a log).
Result<OpLog> OpenOpLogFile(const std::string& path);

// A log decoded in memory (ParseLog's result), shared by every pass.
OpLog OpLogInMemory(std::shared_ptr<const diofs::oplog::LogContents> contents);

}  // namespace dioh
