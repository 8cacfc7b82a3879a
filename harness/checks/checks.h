// Checks: the invariants of DESIGN.md (section dioharness) as pure functions
// over what a run left behind — the op log, the produced migration file and
// the RAM model — so each is unit-tested on small hand-made inputs without a
// mount or an engine. CHECKS.md beside this file lists every check, what it
// reads, and which injected bug (x-inject) it catches.
//
// Verdicts never depend on thread scheduling: a check reads the set of
// operations, not their order.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fs/core/profile.h"
#include "fs/oplog/log_format.h"
#include "fs/oplog/record_source.h"
#include "harness/checks/ram_expectation.h"
#include "harness/report/report.h"
#include "harness/scenario/outcome.h"
#include "migration/format/byte_source.h"
#include "migration/format/stream_parser.h"
#include "migration/ram/page_content.h"

namespace dioh {

// What the harness asked the engine for (the scenario, after QEMU's rules).
struct MigrationFacts {
  bool mapped_ram = false;
  bool multifd = false;
  bool direct_io_requested = false;
  bool direct_io_effective = false;        // direct-io && mapped-ram && multifd
  std::string direct_io_not_effective;     // the reason, when requested but not effective
  std::uint32_t channels = 0;              // multifd-channels
  std::uint64_t uri_offset = 0;            // file:...,offset=N
  std::uint64_t ram_bytes = 0;             // sum of the RAM block sizes
  std::uint32_t passes = 1;                // > 1: live save
  // false for zero-page-detection=none: zero pages are then sent as data and
  // keep their bitmap bit.
  bool zero_page_detection = true;
  // The engines ran under libdiocheck (scenario "preload": true and the
  // library found): only then can buffers-aligned pass.
  bool diocheck_preloaded = false;
};

// The main channel's handle of one side of the migration (FindMainHandles).
struct MainHandle {
  std::uint64_t fh = 0;
  std::optional<diofs::oplog::LogRecord> open;  // its open/create record, when logged
};
struct MainHandles {
  std::optional<MainHandle> save;  // absent: that side never opened the file
  std::optional<MainHandle> load;
};

using diofs::oplog::RecordSource;

struct CheckInput {
  RecordSource records;  // the op log, read pass by pass (not present: no log)
  std::string file_path;               // the migration file as the log names it ("/guest.img")
  // The engines' process groups (an engine runs in a group of its own, whose
  // id is its pid): what a process of the group did counts as the engine's,
  // children of a wrapper script included. A record of a version 1 log (no
  // pgid) is matched by its pid.
  std::set<std::uint32_t> save_groups;  // the source engine's
  std::set<std::uint32_t> load_groups;  // the destination engine's; empty when no load ran
  MigrationFacts facts;
  diofs::Profile profile;  // the rules of the diofs profile the run used
  // The produced file after the save (absent: the save created no file).
  const mrm::format::ByteSource* file = nullptr;
  // What guest RAM must hold after the save (null: not known, then the
  // bitmap is judged against the log's writes and RAM is not compared).
  const RamExpectation* ram = nullptr;
  // The destination's RAM read back after a load (QEMU): compared with `ram`
  // too. Empty for an engine that verifies its load itself (mrmigrate).
  std::vector<LoadedRamPiece> loaded_ram;
  std::vector<std::uint8_t> prefix;    // the bytes the harness wrote before offset=
  // What the run must end in (absent: nothing was stated). With rejected_io,
  // odirect-aligned accepts misaligned transfers that diofs refused with
  // EINVAL, and only those.
  std::optional<ExpectedOutcome> expected;
  std::string migration_file;          // the file's absolute path, what "{file}" stands for in `expected`
  MigrationOutcome save;
  std::optional<MigrationOutcome> load;
  // The file parsed once (set by RunChecks, or by a caller that has parsed
  // it); null: each check that needs the layout parses `file` itself.
  const Result<mrm::format::ParsedStream>* parsed = nullptr;
  // The main handles found once (set by RunChecks, or by a caller that found
  // them); null: each check that needs them makes its own pass.
  const MainHandles* main_handles = nullptr;
};

// Every check, in a fixed order; each returns passed, failed (detail names the
// first offending operation or page) or skipped (detail says why it could not
// apply, e.g. "no file: the save failed before creating it").
std::vector<CheckResult> RunChecks(const CheckInput& input);

// The produced file's parse, for RunChecks' callers that draw the layout too
// (the write map): what CheckInput::parsed should point to.
Result<mrm::format::ParsedStream> ParseProducedFile(const CheckInput& input);

// The main channel's handle of each side, in one pass over the log: the
// handle whose write (save) or read (load) covers the stream header at
// facts.uri_offset; else the handle of the side's first successful open of
// the file (QEMU opens the main channel before any multifd channel).
MainHandles FindMainHandles(const CheckInput& input);

}  // namespace dioh
