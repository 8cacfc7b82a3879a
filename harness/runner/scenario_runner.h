// RunJob: one scenario on one profile, end to end — mount diofs with the op
// log on, drive a save (and a load) through the engine's QMP, copy the
// produced file out, unmount, run every check over (op log, file, RAM
// model), and draw the write map. Whatever goes wrong (diofs does not mount,
// the engine hangs or dies, Ctrl-C) ends as a failed result, never as a
// mount or a process left behind.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "harness/engine/engine_driver.h"
#include "harness/report/report.h"
#include "harness/runner/harness_env.h"
#include "harness/runner/jobs.h"

namespace dioh {

struct RunEnvironment {
  EngineDriver* engine = nullptr;
  HarnessEnv* env = nullptr;    // files, folders and mounts; null: HarnessEnv::Real()
  std::string preload_library;  // libdiocheck.so, for scenarios with "preload": true
  std::string artefact_dir;     // write maps (<job id>.svg) and kept logs go here; "" = nowhere
  bool keep_logs = false;       // copy each op log to artefact_dir/<job id>.oplog
  bool draw_write_map = true;   // false: no write map is wanted (--maps none), none is drawn
  // query-migrate while a side runs ("save" or "load"); null: not asked.
  std::function<void(const char* side, const MigrationProgress&)> progress{};
  // The steps after the migration, which take long on a large guest ("reading the op log").
  std::function<void(const char* step)> step{};
};

struct JobRun {
  ScenarioResult result;
  std::string write_map_svg;  // "" when the run produced no log
  double save_seconds = 0;    // migrate to its final status, as the engine side measured it
  double load_seconds = 0;
  std::uint64_t file_bytes = 0;  // size of the produced file
};

JobRun RunJob(const Job& job, const RunEnvironment& environment);

// libdiocheck.so beside this program's folder (build/bin/.. /lib), or $DIOCHECK_LIBRARY.
std::string DefaultPreloadLibrary();

}  // namespace dioh
