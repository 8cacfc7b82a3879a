// What run, matrix, regress and demo share at the command line: the engine
// and output options, turning a Report into files and a summary, and the exit
// codes (0 all passed, 1 a scenario failed, 2 bad input, 130 interrupted).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/engine/engine_driver.h"
#include "harness/report/progress.h"
#include "harness/report/report.h"
#include "harness/runner/batch.h"

namespace dioharness::cli {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

struct RunOptions {
  std::string engine = "mrmigrate";
  std::string out_dir;
  bool quiet = false;
  bool json = false;
  bool keep_logs = false;
  std::string maps;  // all | failed | none
};

// --engine, --out, --quiet, --json, --keep-logs, --maps.
void AddRunOptions(CLI::App& command, RunOptions& options, const std::string& default_out, const std::string& default_maps);

// The engine driver and the environment for RunJob; an error is printed to `err`.
struct Prepared {
  std::unique_ptr<dioh::EngineDriver> engine;
  dioh::RunEnvironment environment;
  dioh::BatchOptions batch;
  // Migration progress on `out` (null with --quiet or --json); wired into
  // environment.progress and the batch's job hooks.
  std::shared_ptr<dioh::ProgressPrinter> progress;
};

// Columns of the terminal on standard output, or 0 when it is not one.
std::size_t TerminalColumns();
dioh::Result<Prepared> Prepare(const RunOptions& options, std::ostream& out);

// Every name must be a diofs profile preset; the error names the first that
// is not, with the list ("--profile: unknown profile 'strict-8k' (profiles: ...)").
dioh::Status CheckProfileNames(const std::vector<std::string>& names);

// The default folder of scenario files: $DIOHARNESS_SCENARIOS, else
// share/dioharness/scenarios beside this program's bin/ folder (installed or built).
std::string DefaultScenarioDir();

// Writes report.{json,md,xml} into options.out_dir, prints the summary (or the
// JSON with --json), and returns the exit code.
int Finish(dioh::Report& report, const RunOptions& options, bool interrupted, std::ostream& out, std::ostream& err);

}  // namespace dioharness::cli
