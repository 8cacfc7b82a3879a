// Engine drivers: start a migration engine as a process with a QMP socket and
// drive a save or a load through QMP. The QMP sequence is the same for every
// engine (qmp_capabilities, migrate-set-capabilities, migrate-set-parameters,
// migrate / migrate-incoming, wait for the MIGRATION event, query-migrate;
// then quit, from the runner); only how the process is started differs:
//   mrmigrate (default)  mrmigrate qmp --qmp unix:SOCK,server=on,wait=off --ram ... --seed ...
//   qemu:PATH            PATH -machine q35 -m SIZE -nodefaults -display none -S
//                        -qmp unix:SOCK,server=on,wait=off [-incoming defer]
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/qmp/deadline.h"
#include "harness/report/migration_progress.h"
#include "harness/scenario/outcome.h"
#include "harness/scenario/qmp_arguments.h"
#include "harness/scenario/scenario.h"

namespace dioh {

class QmpClient;     // harness/qmp/qmp_client.h, for the .cc files that speak QMP
class GuestSession;  // harness/engine/guest_session.h: a QEMU's RAM, written and read by the harness
class RamExpectation;

struct EngineLaunch {
  std::string work_dir;        // private folder: the QMP socket and stderr capture go here
  std::string label;           // "source" / "destination": file names, messages
  bool incoming = false;       // QEMU: -incoming defer
  GuestSetup guest;
  bool no_direct_io_build = false;
  std::string preload_library;  // non-empty: LD_PRELOAD it (libdiocheck)
  std::vector<std::string> extra_env;  // "NAME=VALUE"
};

// A running engine. The destructor kills it (SIGKILL to its process group) if
// it is still alive and reaps it: no process outlives the harness's run.
class EngineProcess {
 public:
  virtual ~EngineProcess() = default;
  virtual pid_t pid() const = 0;
  virtual QmpClient& qmp() = 0;
  // stderr (and stdout) the engine printed so far, from its capture file.
  virtual std::string Output() const = 0;
  // Waits for exit; after the deadline, SIGKILL and reap. Returns the wait status text
  // ("exit 0", "killed by signal 9").
  virtual Result<std::string> WaitExit(Deadline deadline) = 0;
  virtual void Kill() = 0;
  // Once it exited: the signal it died of, unless the harness sent it.
  virtual std::optional<int> CrashSignal() const = 0;
  // The guest RAM the harness writes and reads in this engine (a QEMU), or null.
  virtual GuestSession* guest() { return nullptr; }
};

struct MigrationRequest {
  std::map<std::string, bool> capabilities;  // "events" is added
  QmpArguments parameters;
  std::string uri;                           // file:PATH[,offset=N]
  bool incoming = false;
  Deadline deadline;
  // While waiting for the end: query-migrate every progress_interval, each
  // reply (and the final one) given to on_progress. Null: no polling.
  std::function<void(const MigrationProgress&)> on_progress{};
  std::chrono::milliseconds progress_interval{500};
};

class EngineDriver {
 public:
  virtual ~EngineDriver() = default;
  virtual std::string name() const = 0;  // "mrmigrate", "qemu:/usr/bin/qemu-system-x86_64"
  virtual std::string kind() const = 0;  // "mrmigrate", "qemu": what known_engine_bugs name
  // Why this engine cannot run `scenario` (it is then skipped, with this
  // reason, before anything is mounted), or none.
  virtual std::optional<std::string> CannotRun(const Scenario& scenario) const {
    (void)scenario;
    return std::nullopt;
  }
  // What the guest's RAM must hold after the save, page by page (mrmigrate:
  // the seed model; QEMU: the model as the harness writes it); null when the
  // engine's RAM is not known.
  virtual std::unique_ptr<RamExpectation> Expectation(const GuestSetup& guest) const = 0;
  // Starts the engine and connects to its QMP socket before the deadline.
  virtual Result<std::unique_ptr<EngineProcess>> Launch(const EngineLaunch& launch, Deadline deadline) = 0;
};

// Sends quit and waits for the process to exit (killing it at the deadline).
Result<std::string> QuitEngine(EngineProcess& engine, Deadline deadline);

// "mrmigrate" (the one beside this binary, or $MRMIGRATE_BINARY), "mrmigrate:PATH", "qemu:PATH".
// A missing or non-executable binary is an error naming it.
Result<std::unique_ptr<EngineDriver>> MakeEngineDriver(const std::string& spec);

// The QMP sequence above, on a launched engine. A QMP error on a command is a
// kFailed outcome with QEMU's error text (e.g. setting direct-io without
// build support); the deadline passing is kTimeout, a broken engine kEngineDied.
MigrationOutcome DriveMigration(EngineProcess& engine, const MigrationRequest& request);

}  // namespace dioh
