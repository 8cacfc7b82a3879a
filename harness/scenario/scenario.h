// Scenario: one migration run the harness drives — the diofs it runs on
// (profile, storage simulation, faults), the guest, the capabilities and
// parameters set over QMP, and the outcome it must end in. Scenarios are JSON
// files in harness/scenarios/ (SCENARIOS.md beside this file is the schema).
// Pure: parsing and validation only, no I/O except LoadScenarioFile.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/core/profile.h"
#include "harness/scenario/outcome.h"
#include "harness/scenario/qmp_arguments.h"

namespace dioh {

struct DiofsSetup {
  std::string profile = "strict-4k";   // a preset name (fs/core/profile.h)
  std::string backend = "mem";         // mem | passthrough
  std::string on_violation = "einval"; // einval | record
  std::string device;                  // --device preset or spec; empty: no latency model
  std::string capacity;                // --capacity SIZE; empty: unlimited
  // Fault rules, the JSON text of fs/sim/FAULTS.md as diofs --faults reads
  // it (checked when the scenario is read); empty: none.
  std::string faults;
};

struct GuestSetup {
  std::string ram = "pc.ram=256M";  // mrmigrate --ram: IDSTR=SIZE[,IDSTR=SIZE...]
  std::uint64_t seed = 1;
  double zero_fraction = 0.5;
  double dirty_fraction = 0.0;
  std::uint32_t passes = 1;         // > 1: a live save

  // Sum of the block sizes (QEMU's -m), bytes.
  std::uint64_t TotalRamBytes() const;
};

// The engines a scenario can name (EngineDriver::kind()).
inline constexpr std::array<std::string_view, 2> kEngineKinds = {"mrmigrate", "qemu"};
inline bool IsEngineKind(std::string_view name) {
  return std::find(kEngineKinds.begin(), kEngineKinds.end(), name) != kEngineKinds.end();
}

// A bug of an engine that a scenario reproduces on purpose (QEMU 10.0's
// ignored short write, its crash on a filesystem without O_DIRECT). On the
// engine and versions it names, the run must fail exactly so: the checks in
// `fails` fail and nothing else does. It is then reported as a known engine
// bug, and the command exits 0; if the run passes instead, the engine fixed
// the bug and the scenario must be updated: an unexpected pass, a failure.
struct KnownEngineBug {
  std::string engine;                 // "qemu" or "mrmigrate"
  std::vector<std::string> versions;  // the engine's version ("10.0.2") against each; '*' matches any run
  std::string summary;                // what goes wrong, naming the upstream function
  std::vector<std::string> fails;     // exactly the checks that fail
};

struct Scenario {
  std::string name;         // unique, [a-z0-9-]+; the report's testcase name
  std::string description;
  std::string source_file;  // where it was read from ("" when built in code)

  DiofsSetup diofs;
  GuestSetup guest;
  // migrate-set-capabilities, on both sides. "events" is always added by the driver.
  std::map<std::string, bool> capabilities;
  // migrate-set-parameters, on both sides (direct-io, multifd-channels, x-inject, ...).
  QmpArguments parameters;
  std::uint64_t uri_offset = 0;  // file:PATH,offset=N; the harness writes N prefix bytes first
  bool preload = false;          // run the engines under libdiocheck (LD_PRELOAD)
  bool load = true;              // load the file into a second engine started for incoming
  bool no_direct_io_build = false;  // mrmigrate --x-pretend-no-direct-io (QEMU without O_DIRECT)
  double timeout_seconds = 120;  // per engine step; a hung engine is killed and the run failed
  // Absent: derived from the profile rules (matrix). Present: what must happen.
  std::optional<ExpectedOutcome> expect;
  // Run by `dioharness matrix` over every profile.
  bool matrix = false;
  std::vector<KnownEngineBug> known_engine_bugs;
};

// Parses one scenario. Every error names the file and the field:
// "harness/scenarios/x.json: field 'guest.passes': must be an integer >= 1".
Result<Scenario> ParseScenario(std::string_view json_text, const std::string& file);

// A guest's "ram" as the scenario schema takes it (IDSTR=SIZE[,...], at
// least one block, each named once): why not, or OK. For options that take
// the same text (dioharness demo --ram).
Status CheckGuestRam(std::string_view ram);
Result<Scenario> LoadScenarioFile(const std::string& path);
// Every *.json in `dir`, sorted by file name; names must be unique.
Result<std::vector<Scenario>> LoadScenarioDir(const std::string& dir);

// True when QEMU's migrate_direct_io() would hold: direct-io && mapped-ram && multifd.
bool DirectIoEffective(const Scenario& scenario);
// Why direct-io was requested but is not effective ("mapped-ram is off", ...); "" otherwise.
std::string DirectIoNotEffectiveReason(const Scenario& scenario);
// Whether the scenario sets direct-io to true.
bool DirectIoRequested(const Scenario& scenario);
// multifd-channels as set, else QEMU's default (2).
std::uint32_t MultifdChannels(const Scenario& scenario);
// zero-page-detection as set, else QEMU's default ("multifd").
std::string ZeroPageDetection(const Scenario& scenario);

// The outcome the profile's rules imply for the scenario (`dioharness
// matrix`), ignoring `scenario.expect`, faults and capacity:
//  - direct-io set on an engine built without O_DIRECT: failed, "No build-time
//    support for direct-io" (QEMU migrate_params_check());
//  - direct-io effective on a profile that rejects open(O_DIRECT): failed,
//    "Could not open '{file}': filesystem does not support O_DIRECT";
//  - direct-io effective, the profile's dio alignment above the 4 KiB page and
//    violations failed with EINVAL, and some page write of the guest model not
//    aligned to it: failed, "Unable to write to file: Invalid argument";
//  - otherwise completed.
ExpectedOutcome DeriveExpectedOutcome(const Scenario& scenario, const diofs::Profile& profile);
// The engine bugs a derived outcome runs into, whatever the scenario: QEMU
// 10.0 dies of SIGSEGV after the refused O_DIRECT open of a profile without
// O_DIRECT. Empty where the derivation meets none.
std::vector<KnownEngineBug> DeriveKnownEngineBugs(const Scenario& scenario, const diofs::Profile& profile);

}  // namespace dioh
