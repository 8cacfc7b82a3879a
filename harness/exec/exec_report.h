// The exit status and the report of `dioharness exec`, from how the command
// ended and the Judgement (exec_judge.h). Pure: the command writes the files.
//
// Exit status, the env(1)/timeout(1) convention: 125 the fixture's own error
// (bad options, mount failure, unreadable op log), 126 the command is not
// executable, 127 not found, 130 interrupted; else 1 when the fixture found a
// violation or a fallback; else the command's own status (128+N when it was
// killed by signal N).
#pragma once

#include <string>
#include <vector>

#include "harness/exec/exec_judge.h"
#include "harness/report/report.h"
#include "harness/report/write_map.h"

namespace dioh::exec {

inline constexpr int kExitViolation = 1;
inline constexpr int kExitFixtureError = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;
inline constexpr int kExitInterrupted = 130;

struct CommandEnd {
  enum class Kind {
    kExited,         // code = its exit status
    kSignaled,       // code = the signal
    kNotFound,       // execvp: ENOENT
    kNotExecutable,  // execvp: EACCES, ENOEXEC, ...
    kInterrupted,    // dioharness got SIGINT/SIGTERM: the command was stopped; code = that signal
    kFixtureError,   // the fixture could not run or judge it: detail says why
  };
  Kind kind = Kind::kFixtureError;
  int code = 0;
  std::string detail{};  // the exec error, the mount failure
};

// The exit status of `dioharness exec` (the convention above).
int ExitStatus(const CommandEnd& end, bool violation_or_fallback);
// Why it is that status, in one line: "1: the fixture found 2 violations, 0
// fallbacks (the command exited 0)", "127: command not found: nosuch".
std::string ExitReason(const CommandEnd& end, const Judgement* judgement);

struct ExecRun {
  std::vector<std::string> command;  // argv
  std::string profile;
  std::string on_violation;          // einval | record
  bool preloaded = false;
  std::string mountpoint;
  CommandEnd end;
  const Judgement* judgement = nullptr;  // null when nothing could be judged (fixture error before the run)
  double seconds = 0;
};

// One result ("exec: COMMAND") with the checks command-exit, odirect-aligned,
// buffers-aligned, no-fallback, and the exit status and op counts in its
// configuration line.
ScenarioResult ExecResult(const ExecRun& run);
// "exec: COMMAND WORDS": the result's name and the write map's title.
std::string ExecName(const std::vector<std::string>& command);
// The reads and writes of the log (a bounded sample beyond `sample_budget`,
// WriteMapSample), one channel per thread, violations crossed; one pass.
WriteMap ExecWriteMap(const diofs::oplog::RecordSource& records, const Judgement& judgement, const std::string& title,
                      std::uint64_t sample_budget = kWriteMapSampleBudget);

}  // namespace dioh::exec
