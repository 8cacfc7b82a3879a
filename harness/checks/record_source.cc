#include "harness/checks/record_source.h"

namespace dioh {

RecordSource::RecordSource(const std::vector<diofs::oplog::LogRecord>* records) {
  if (records == nullptr) return;
  pass_ = [records](const Visitor& visit) {
    for (const diofs::oplog::LogRecord& r : *records) {
      if (!visit(r)) break;
    }
    return Status::Ok();
  };
}

RecordSource::RecordSource(Pass pass) : pass_(std::move(pass)) {}

void RecordSource::ForEach(const Visitor& visit) const {
  if (!pass_ || !error_) return;  // no log (or a moved-from source)
  Status status = pass_(visit);
  if (!status.ok() && error_->ok()) *error_ = std::move(status);
}

}  // namespace dioh
