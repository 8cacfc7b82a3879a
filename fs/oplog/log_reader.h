// LogReader: decodes an op log (LOG_FORMAT.md) into owned records. A torn or
// corrupt record ends the good part: everything before it is returned, with a
// Status that names the byte offset where the damage starts. Garbage input
// never crashes the reader; a bad header is an error of its own.
#pragma once

#include <cstdint>
#include <memory>
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

// The log at a path, record by record, holding about one frame in memory
// (`log dump` and `log stats` of a log of any size). The same decoding and
// damage rules as ParseLog.
class LogFileReader {
 public:
  // Opens the file and decodes its header (errors as ReadLogFile's).
  static dioh::Result<std::unique_ptr<LogFileReader>> Open(const std::string& path);
  ~LogFileReader();
  LogFileReader(const LogFileReader&) = delete;
  LogFileReader& operator=(const LogFileReader&) = delete;

  const LogHeader& header() const { return header_; }
  std::uint64_t file_size() const { return file_size_; }
  // The next good record; false at the end of the good part, after which
  // trailer() and damage() say how the log ended.
  bool Next(LogRecord& record);
  std::uint64_t records_read() const { return records_; }
  const std::optional<LogTrailer>& trailer() const { return trailer_; }
  // OK, or why decoding stopped early (EBADMSG; a read error keeps its errno).
  const dioh::Status& damage() const { return damage_; }
  std::uint64_t damage_offset() const { return damage_offset_; }
  bool complete() const { return ended_ && damage_.ok() && trailer_.has_value(); }
  // The record count of the trailer at the file's end, if it reads as one
  // (a hint for reserving memory; Next checks it against the records).
  std::optional<std::uint64_t> TrailerCountHint() const;

 private:
  static constexpr std::size_t kReadPiece = 1 << 20;
  LogFileReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  dioh::Status Fill(std::uint64_t need);
  std::span<const std::byte> Buffered() const;
  bool End(dioh::Status damage);

  int fd_;
  std::string path_;
  std::uint64_t file_size_ = 0;
  LogHeader header_;
  std::vector<std::byte> buffer_;     // the file's bytes from buffer_start_
  std::uint64_t buffer_start_ = 0;
  std::uint64_t offset_ = 0;          // where the next frame starts
  std::uint64_t records_ = 0;
  std::optional<LogTrailer> trailer_;
  dioh::Status damage_;
  std::uint64_t damage_offset_ = 0;
  bool ended_ = false;
};

}  // namespace diofs::oplog
