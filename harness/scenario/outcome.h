// How one side of a migration ended (MigrationOutcome) and how it must end
// (ExpectedOutcome): values the engine drivers produce, scenarios state and
// the checks compare, never flattened to text on the way. Text is made only
// where a person or a report reads it (ToString). Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dioh {

// QEMU's final migration statuses (completed, failed, cancelled: the
// MIGRATION event that ends a migration), then the harness's own endings of a
// side that never reached one.
enum class MigrationEnd : std::uint8_t {
  kCompleted,
  kFailed,
  kCancelled,
  kTimeout,      // the deadline passed; the engine was killed
  kEngineDied,   // it did not start, or its QMP connection broke
  kInterrupted,  // Ctrl-C (or SIGTERM) reached the harness
  // It died of a signal the harness did not send, at any time before it
  // exited: whatever it had reported before (even the expected failure),
  // a crash is the outcome.
  kEngineCrashed,
};

// "completed", "failed", "cancelled", "timeout", "engine-died", "interrupted", "engine-crashed".
std::string_view MigrationEndName(MigrationEnd end);
// A final status of QEMU's MigrationStatus as a MIGRATION event names it;
// nothing for the statuses a migration passes through ("setup", "active", ...).
std::optional<MigrationEnd> FinalMigrationStatus(std::string_view status);

struct MigrationOutcome {
  MigrationEnd end = MigrationEnd::kFailed;
  std::string error_desc;  // query-migrate's error-desc, or what went wrong with the engine
  double seconds = 0;      // from migrate/migrate-incoming to the final status
  // What the engine said of the save's passes in query-migrate once it
  // ended: ram.dirty-sync-count (absent when it reports none) and total-time.
  std::optional<std::uint64_t> dirty_syncs{};
  std::optional<std::uint64_t> total_time_ms{};
  // A live save of a QEMU (live_save.h): the dirty syncs it had made when it
  // stopped at pre-switchover, and the model passes the harness could write
  // only then, because QEMU converged before they were due.
  std::optional<std::uint64_t> syncs_at_switchover{};
  std::uint32_t passes_written_at_switchover = 0;
  // An engine that died or crashed: the last lines it printed ("" if none).
  std::string engine_output{};

  bool completed() const { return end == MigrationEnd::kCompleted; }
  // "completed" or "<end>: <error_desc>", then "; its last output:\n<lines>"
  // when the engine died and printed something.
  std::string ToString() const;
};

// What the engine must report at the end of the save (and of the load).
struct ExpectedOutcome {
  enum class Status { kCompleted, kFailed };
  Status status = Status::kCompleted;
  // kFailed: the error-desc query-migrate must report. "{file}" stands for
  // the migration file's absolute path (it lives in a temporary mount); "*"
  // stands for any run of characters (a channel number, an offset: the
  // channel that fails first depends on scheduling). Anything else is exact.
  std::string error;
  // kFailed only: the failure is the profile refusing misaligned O_DIRECT
  // I/O with EINVAL (a 64 KiB disk under 4 KiB page writes). The refused
  // transfers are then the expected failure, not a violation that slipped by.
  bool rejected_io = false;
  // kFailed: where the engines word the same failure differently, each
  // engine's own text (key: EngineDriver::kind(), "mrmigrate" or "qemu"),
  // written from what that engine prints; `error` is then unused until
  // ForEngine() picks one. Empty: `error` holds for every engine.
  std::map<std::string, std::string> error_by_engine;

  // A failure with `error` for every engine.
  static ExpectedOutcome Failure(std::string error, bool rejected_io = false) {
    ExpectedOutcome out;
    out.status = Status::kFailed;
    out.error = std::move(error);
    out.rejected_io = rejected_io;
    return out;
  }

  // This outcome as it holds for the engine of kind `engine`: its own text
  // in `error` (error_by_engine emptied), or none when the texts name other
  // engines only.
  std::optional<ExpectedOutcome> ForEngine(const std::string& engine) const;

  // "completed" or "failed: <error>", with "{file}" replaced by `file`: what
  // reports show as expected.
  std::string ToString(const std::string& file = "{file}") const;
  // `error` with "{file}" replaced by `file`: the pattern for one run.
  std::string ErrorFor(const std::string& file) const;
  // Whether one side's ending is this outcome's failure (or its completion),
  // for the migration file `file`.
  bool Matches(const MigrationOutcome& side, const std::string& file) const;
};

// Whether `text` matches `pattern`, where "*" matches any run of characters
// (none included) and every other character only itself.
bool MatchesWildcard(std::string_view pattern, std::string_view text);

}  // namespace dioh
