// An op log's records read pass after pass, each from the first record in
// seq order, one record at a time. A reader holds what it folds (the
// harness's checks: counts, the first offence, a handle table), never the
// log, so its memory does not grow with the log (an 8 GiB save logs about a
// million records). The source is a log in memory (tests) or a pass function
// that re-reads the log file (harness/runner/op_log.h: OpenOpLogFile).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/status/status.h"
#include "fs/oplog/log_format.h"

namespace diofs::oplog {

class RecordSource {
 public:
  // Called for each record; returning false ends the pass.
  using Visitor = std::function<bool(const LogRecord&)>;
  // One pass over a log: calls the visitor for each record until it returns
  // false; an error means the pass could not be completed.
  using Pass = std::function<dioh::Status(const Visitor&)>;

  RecordSource() = default;  // no log at all
  explicit RecordSource(const std::vector<LogRecord>* records);  // null: no log
  explicit RecordSource(Pass pass);

  bool present() const { return pass_ != nullptr; }
  // One pass (nothing when there is no log). A pass that fails is kept as
  // error(): the checks go on with what they saw; the caller that owns the
  // log turns the error into a runner failure.
  void ForEach(const Visitor& visit) const;
  // The first pass error, or OK.
  dioh::Status error() const { return error_ ? *error_ : dioh::Status::Ok(); }

 private:
  Pass pass_;
  std::shared_ptr<dioh::Status> error_ = std::make_shared<dioh::Status>();
};

}  // namespace diofs::oplog
