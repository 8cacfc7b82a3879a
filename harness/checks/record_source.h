// The op log as the checks read it: pass after pass, each from the first
// record in seq order, one record at a time. A check holds what it folds
// (counts, the first offence, a handle table), never the log, so the
// harness's memory does not grow with the guest (an 8 GiB save logs about a
// million records). The source is a log in memory (tests, `exec`) or a pass
// function that re-reads the log file (the runner: OpenOpLogFile).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/status/status.h"
#include "fs/oplog/log_format.h"

namespace dioh {

class RecordSource {
 public:
  // Called for each record; returning false ends the pass.
  using Visitor = std::function<bool(const diofs::oplog::LogRecord&)>;
  // One pass over a log: calls the visitor for each record until it returns
  // false; an error means the pass could not be completed.
  using Pass = std::function<Status(const Visitor&)>;

  RecordSource() = default;  // no log at all
  explicit RecordSource(const std::vector<diofs::oplog::LogRecord>* records);  // null: no log
  explicit RecordSource(Pass pass);

  bool present() const { return pass_ != nullptr; }
  // One pass (nothing when there is no log). A pass that fails is kept as
  // error(): the checks go on with what they saw; the caller that owns the
  // log turns the error into a runner failure.
  void ForEach(const Visitor& visit) const;
  // The first pass error, or OK.
  Status error() const { return error_ ? *error_ : Status::Ok(); }

 private:
  Pass pass_;
  std::shared_ptr<Status> error_ = std::make_shared<Status>();
};

}  // namespace dioh
