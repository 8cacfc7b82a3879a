// What the engine drivers share (internal to harness_engine): an engine
// process started through ChildProcess with its QMP connection, and how one
// is started and connected. Each driver decides only the argv (and, for
// QEMU, the guest it writes).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/engine/child_process.h"
#include "harness/engine/engine_driver.h"
#include "harness/engine/guest_session.h"
#include "harness/os/interrupt.h"
#include "harness/qmp/qmp_client.h"

namespace dioh {

class SpawnedEngine : public EngineProcess {
 public:
  SpawnedEngine(std::unique_ptr<ChildProcess> child, std::string capture_path);

  pid_t pid() const override { return child_->pid(); }
  QmpClient& qmp() override { return *qmp_; }
  std::string Output() const override;
  Result<std::string> WaitExit(Deadline deadline) override;
  void Kill() override { child_->Kill(); }
  std::optional<int> CrashSignal() const override { return child_->CrashSignal(); }
  GuestSession* guest() override { return guest_ ? &*guest_ : nullptr; }

  ChildProcess& child() { return *child_; }
  void set_qmp(QmpClient client) { qmp_.emplace(std::move(client)); }
  void set_guest(GuestSession session) { guest_.emplace(std::move(session)); }

 private:
  std::unique_ptr<ChildProcess> child_;
  // Killed on Ctrl-C from its spawn on: an interrupt during the engine's
  // start (QMP greeting, a large guest's qtest setup) must not wait for it.
  LiveEngine live_;
  std::string capture_path_;
  std::optional<QmpClient> qmp_;
  std::optional<GuestSession> guest_;
};

// Starts `argv` and connects to the QMP socket it creates, before the
// deadline; an engine that exits first is an error with its last output.
Result<std::unique_ptr<SpawnedEngine>> StartEngine(const std::vector<std::string>& argv, const EngineLaunch& launch,
                                                   const std::string& socket_path, const std::string& capture_path,
                                                   Deadline deadline);

// WORK_DIR/LABEL.KIND (a unix socket: its length is checked) and WORK_DIR/LABEL.log.
Result<std::pair<std::string, std::string>> SocketAndCapture(const EngineLaunch& launch, const std::string& kind);

// The QEMU driver (qemu_driver.cc), for MakeEngineDriver.
std::unique_ptr<EngineDriver> MakeQemuDriver(std::string binary);

}  // namespace dioh
