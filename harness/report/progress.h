// Migration progress for people watching a long run: on a terminal one line
// that is rewritten in place ("save  active, pass 2: 96.0 MiB written, ..."),
// through a pipe (CI logs) a whole line now and then, flushed at once.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/report/migration_progress.h"

namespace dioh {

// "save  active, pass 2: 96.0 MiB written, 160.0 MiB to go of 256.0 MiB,
// 24576 pages (8192 zero), 1.5 s": what the engine reported, nothing made up.
std::string ProgressLine(std::string_view side, const MigrationProgress& progress);

class ProgressPrinter {
 public:
  // terminal: rewrite one line, cut to `columns` (a wrapped line could not be
  // rewritten); else a line per `pipe_interval_seconds` of migration time,
  // and one whenever the side or the status changes.
  ProgressPrinter(std::ostream& out, bool terminal, std::size_t columns = 80, double pipe_interval_seconds = 5.0);

  // What the lines start with ("[3/28] live-save@strict-4k  "); a new prefix
  // starts a new run.
  void SetPrefix(std::string prefix);
  void Update(std::string_view side, const MigrationProgress& progress);
  // A step of the run in words ("reading the op log"), shown the same way.
  void Step(std::string_view what);
  // Terminal: erases the line, so that what comes next starts on a clean one.
  void Clear();

 private:
  std::ostream& out_;
  const bool terminal_;
  const std::size_t columns_;
  const double pipe_interval_;
  std::string prefix_;
  void Show(std::string line);  // a line, cut on a terminal
  bool line_open_ = false;          // terminal: a progress line is on screen
  std::string last_key_;            // pipe: side and status of the last line
  double last_seconds_ = -1;        // pipe: migration time of the last line
};

}  // namespace dioh
