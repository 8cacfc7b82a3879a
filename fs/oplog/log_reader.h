// LogReader: decodes an op log (LOG_FORMAT.md) into owned records. A torn or
// corrupt record ends the good part: everything before it is returned, with a
// Status that names the byte offset where the damage starts. Garbage input
// never crashes the reader; a bad header is an error of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "fs/oplog/log_format.h"

namespace diofs::oplog {

struct LogContents {
  LogHeader header;
  std::vector<LogRecord> records;     // every complete, verified record, in sequence order
  std::optional<LogTrailer> trailer;  // absent: the writer did not close (crash, kill -9)
  // OK, or why decoding stopped early ("torn record at byte 4242: ...").
  dioh::Status damage;
  std::uint64_t damage_offset = 0;  // byte offset of the first bad frame (when damaged)
  std::uint64_t file_size = 0;

  bool complete() const { return damage.ok() && trailer.has_value(); }
};

// Decodes a whole log held in memory. Fails only when the header is unusable
// (not a log, unknown version, header torn or corrupt).
dioh::Result<LogContents> ParseLog(std::span<const std::byte> bytes);

// Reads and decodes the file at `path`; a missing or unreadable file fails
// with the errno of open(2)/read(2) and the path in the message.
dioh::Result<LogContents> ReadLogFile(const std::string& path);

}  // namespace diofs::oplog
