#include "harness/runner/op_log.h"

#include <cerrno>

namespace dioh {

using diofs::oplog::LogFileReader;
using diofs::oplog::LogRecord;

Result<OpLog> OpenOpLogFile(const std::string& path) {
  auto reader = LogFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  LogRecord record;
  OpLog log;
  while ((*reader)->Next(record)) ++log.records_count;
  // A torn or corrupt frame (EBADMSG) ends the good part, as in a log whose
  // writer died or is still writing; a read error is no log at all (ReadLogFile's rule).
  if (!(*reader)->damage().ok() && (*reader)->damage().code() != EBADMSG) {
    return (*reader)->damage().WithContext(path);
  }
  log.complete = (*reader)->complete();
  log.damage = (*reader)->damage();
  const std::uint64_t count = log.records_count;
  log.records = RecordSource([path, count](const RecordSource::Visitor& visit) -> Status {
    auto pass = LogFileReader::Open(path);
    if (!pass.ok()) return pass.status();
    LogRecord r;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (!(*pass)->Next(r)) {
        return Status::Error(EIO, path + ": the op log changed after it was opened: record " + std::to_string(i + 1) +
                                      " of " + std::to_string(count) + " is gone");
      }
      if (!visit(r)) break;
    }
    return Status::Ok();
  });
  return log;
}

OpLog OpLogInMemory(std::shared_ptr<const diofs::oplog::LogContents> contents) {
  OpLog log;
  log.complete = contents->complete();
  log.damage = contents->damage;
  log.records_count = contents->records.size();
  log.records = RecordSource([contents](const RecordSource::Visitor& visit) {
    for (const LogRecord& r : contents->records) {
      if (!visit(r)) break;
    }
    return Status::Ok();
  });
  return log;
}

}  // namespace dioh
