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

struct CheckResult {
  std::string name;    // "odirect-aligned", "bitmap-matches-pages", ...
  bool passed = false;
  std::string detail;  // why it failed (the first offending operation), or a summary
  // The check could not apply to this run (detail says why); counts as passed.
  bool skipped = false;
};

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
  bool passed = false;   // no runner failure, and every check passed (expected-outcome among them)
  double seconds = 0;
  std::vector<CheckResult> checks;
  std::string configuration{};  // one line: capabilities, parameters, guest ("mapped-ram multifd×4 direct-io=on ...")
  // Reports show them before the checks, in the same form (name: detail).
  std::vector<RunnerFailure> runner_failures{};
};

struct Report {
  std::string title;       // "dioharness demo", "dioharness matrix (shard 1/4)"
  std::string started_at;  // ISO 8601, UTC
  double wall_seconds = 0;  // the whole command, start to report
  // How the run was made: engine, binaries, shard, repeat count, machine.
  std::vector<std::pair<std::string, std::string>> configuration;
  std::vector<ScenarioResult> results;

  std::size_t passed() const;
  std::size_t failed() const { return results.size() - passed(); }
};

// What a person reads of a failed run: each runner failure, then each failed
// check, as (name, detail); in this order in every rendering.
std::vector<std::pair<std::string, std::string>> FailureLines(const ScenarioResult& result);

std::string ToJson(const Report& report);
dioh::Result<Report> ReportFromJson(const std::string& json);  // for `dioharness merge`
std::string ToMarkdown(const Report& report);
std::string ToJUnitXml(const Report& report);

// Joins the reports of shards: results in the order of the reports given.
Report MergeReports(const std::vector<Report>& shards, const std::string& title);

// Writes DIR/BASENAME.json, .md and .xml (creating DIR). Each file is written
// to a temporary name and renamed, so a reader never sees half a report.
dioh::Status WriteReportFiles(const Report& report, const std::string& dir, const std::string& basename);

// Writes `content` to `path` atomically (temporary file + rename).
dioh::Status WriteFileAtomically(const std::string& path, const std::string& content);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(const std::string& text);

}  // namespace dioh
