#include "fs/oplog/record_source.h"

namespace diofs::oplog {

RecordSource::RecordSource(const std::vector<LogRecord>* records) {
  if (records == nullptr) return;
  pass_ = [records](const Visitor& visit) {
    for (const LogRecord& r : *records) {
      if (!visit(r)) break;
    }
    return dioh::Status::Ok();
  };
}

RecordSource::RecordSource(Pass pass) : pass_(std::move(pass)) {}

void RecordSource::ForEach(const Visitor& visit) const {
  if (!pass_ || !error_) return;  // no log (or a moved-from source)
  dioh::Status status = pass_(visit);
  if (!status.ok() && error_->ok()) *error_ = std::move(status);
}

}  // namespace diofs::oplog
