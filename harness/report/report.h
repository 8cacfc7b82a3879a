// Report: the verdicts of a dioharness run (scenarios × checks), and its
// renderings for people (Markdown), programs (JSON) and CI systems (JUnit
// XML). Pure: no I/O except WriteReportFiles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status/status.h"

namespace dioh {

// A check's verdict on one run.
enum class CheckStatus {
  kPass,
  kFail,
  kSkip,  // the check could not apply to this run (detail says why); not a failure
};
// "pass", "fail", "skip": the words of every rendering and of report.json.
std::string_view CheckStatusName(CheckStatus status);
std::optional<CheckStatus> CheckStatusFromName(std::string_view name);

struct CheckResult {
  std::string name;    // "odirect-aligned", "bitmap-matches-pages", ...
  CheckStatus status = CheckStatus::kFail;
  std::string detail;  // what was compared, why it failed (the first offending operation), or why it was skipped
  double seconds = 0;  // how long the check took (JUnit's testcase time)
};

// A scenario run's verdict. Only pass, skipped and known-engine-bug let a
// command exit 0.
enum class Verdict {
  kPass,            // every check passed (or was skipped) and nothing kept the run from being judged
  kFail,            // a check or the runner failed
  kSkipped,         // the scenario does not apply to this engine (x-inject or a no-direct-io build on
                    // QEMU, a guest QEMU cannot build): reason says why
  kKnownEngineBug,  // failed exactly as a catalogued bug of this engine version says: reason names it
  kUnexpectedPass,  // a catalogued bug did not show: a failure, so that the catalog gets updated
  kError,           // could not be judged (setup failure, interrupted): reason says what happened
};
// "pass", "fail", "skipped", "known-engine-bug", "unexpected-pass", "error".
std::string_view VerdictName(Verdict verdict);
std::optional<Verdict> VerdictFromName(std::string_view name);
// For progress lines and verdict screens: "PASS", "FAIL", "SKIPPED", "KNOWN BUG",
// "UNEXPECTED PASS", "ERROR".
std::string_view VerdictWord(Verdict verdict);
// Whether the verdict lets a command exit 0 (pass, skipped, known-engine-bug).
bool VerdictIsSuccess(Verdict verdict);

// What kept the harness from running or judging a scenario: not a verdict
// on the engine (the checks give those), so it is kept apart from them.
struct RunnerFailure {
  enum class Kind {
    kSetup,           // the run could not start: unknown profile, no work folder, diofs did not mount
    kDiofsExit,       // diofs exited non-zero or had to be killed at unmount
    kOpLog,           // the op log is unreadable, damaged or without its trailer
    kFileUnreadable,  // the produced file could not be read back
  };
  Kind kind = Kind::kSetup;
  std::string detail;
};
// The name reports show for a kind: "setup", "diofs-exit", "op-log", "file-readable".
std::string_view RunnerFailureName(RunnerFailure::Kind kind);
std::optional<RunnerFailure::Kind> RunnerFailureKindFromName(std::string_view name);

struct ScenarioResult {
  std::string scenario;  // scenario name
  std::string profile;   // diofs profile it ran on
  std::string expected;  // "completed", or "failed: <message>"
  std::string outcome;   // what the engine reported
  Verdict verdict = Verdict::kFail;
  // Why the verdict is skipped, known-engine-bug, unexpected-pass or error
  // (pass and fail are explained by the checks and runner failures).
  std::string reason{};
  double seconds = 0;
  std::vector<CheckResult> checks;
  std::string configuration{};  // one line: capabilities, parameters, guest ("mapped-ram multifd×4 direct-io=on ...")
  // Reports show them before the checks, in the same form (name: detail).
  std::vector<RunnerFailure> runner_failures{};
};

// Which part of a sharded command a report holds (`--shard i/N`), and the
// whole set of runs it was cut from (merge.h makes and checks them).
struct ShardRecord {
  std::size_t index = 1;     // 1-based
  std::size_t count = 1;
  std::string set;           // the set in words: "matrix of harness/scenarios (28 runs)"
  std::size_t set_runs = 0;  // how many runs the whole set has
  std::string set_digest;    // 16 hex digits over the set's run ids, in order
};

struct Report {
  std::string title;       // "dioharness demo", "dioharness matrix (shard 1/4)"
  std::string started_at;  // ISO 8601, UTC
  double wall_seconds = 0;  // the whole command, start to report
  // How the run was made: engine, binaries, shard, repeat count, machine.
  std::vector<std::pair<std::string, std::string>> configuration;
  std::vector<ScenarioResult> results;
  std::optional<ShardRecord> shard{};  // set by sharded commands (matrix, regress)

  std::size_t Count(Verdict verdict) const;
  std::size_t passed() const { return Count(Verdict::kPass); }
  std::size_t failed() const { return Count(Verdict::kFail); }
  // Whether every run has a verdict that lets a command exit 0.
  bool AllSucceeded() const;
};

// "12 passed, 1 failed": pass and fail always, the other verdicts when some
// run has them ("…, 2 skipped, 1 known engine bug, 1 error").
std::string CountsLine(const Report& report);

// What a person reads of a failed run: each runner failure, then each failed
// check, as (name, detail); in this order in every rendering.
std::vector<std::pair<std::string, std::string>> FailureLines(const ScenarioResult& result);

std::string ToJson(const Report& report);
dioh::Result<Report> ReportFromJson(const std::string& json);  // for `dioharness merge`
std::string ToMarkdown(const Report& report);  // markdown.cc
std::string ToJUnitXml(const Report& report);  // junit.cc (the rules: junit.h)


// Writes DIR/BASENAME.json, .md and .xml (creating DIR). Each file is written
// to a temporary name and renamed, so a reader never sees half a report.
dioh::Status WriteReportFiles(const Report& report, const std::string& dir, const std::string& basename);

// Writes `content` to `path` atomically (temporary file + rename).
dioh::Status WriteFileAtomically(const std::string& path, const std::string& content);


}  // namespace dioh
