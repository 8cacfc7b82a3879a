// The QEMU driver: a real qemu-system-x86_64 (10.0 or later) whose guest RAM
// the harness controls. The machine is a q35 that boots a firmware which
// halts at once (halt_firmware.h), so guest RAM holds exactly what the
// harness writes: pass 0 of pc.ram through loader images at reset, vga.vram's
// BAR and pass 0 through qtest once QEMU is up, later passes and the
// read-back through qtest and QMP (guest_session.h). ENGINES.md says
// what each argument is for and what was checked on Debian's QEMU 10.0.2.
#include <cerrno>

#include <nlohmann/json.hpp>

#include "harness/engine/engine_argv.h"
#include "harness/engine/spawned_engine.h"
#include "harness/qemu/halt_firmware.h"

namespace dioh {
namespace {

mrm::ram::ContentSpec ContentOf(const GuestSetup& guest) {
  mrm::ram::ContentSpec content;
  content.seed = guest.seed;
  content.zero_fraction = guest.zero_fraction;
  content.dirty_fraction = guest.dirty_fraction;
  return content;
}

class QemuDriver : public EngineDriver {
 public:
  explicit QemuDriver(std::string binary) : binary_(std::move(binary)) {}
  std::string name() const override { return "qemu:" + binary_; }
  std::string kind() const override { return "qemu"; }

  std::optional<std::string> CannotRun(const Scenario& scenario) const override {
    if (scenario.no_direct_io_build) {
      return "a QEMU build's O_DIRECT support cannot be switched off (no-direct-io-build is mrmigrate's)";
    }
    if (scenario.parameters.json().contains("x-inject")) {
      return "x-inject is mrmigrate's parameter for injected bugs, not QEMU's";
    }
    auto guest = QemuGuestRam::For(scenario.guest.ram, ContentOf(scenario.guest), scenario.guest.passes);
    if (!guest.ok()) return guest.status().message();
    return std::nullopt;
  }

  std::unique_ptr<RamExpectation> Expectation(const GuestSetup& guest) const override {
    auto ram = QemuGuestRam::For(guest.ram, ContentOf(guest), guest.passes);
    if (!ram.ok()) return nullptr;
    return std::make_unique<QemuGuestRam>(std::move(*ram));
  }

  Result<std::unique_ptr<EngineProcess>> Launch(const EngineLaunch& launch, Deadline deadline) override {
    if (launch.no_direct_io_build) {
      return Status::Error(EINVAL, "a QEMU build's O_DIRECT support cannot be switched off: "
                                   "run no-direct-io-build scenarios with mrmigrate");
    }
    // The destination is the same machine (a live save's keep-alive block
    // included: QEMU refuses a file with a block it does not have); it loads
    // RAM, PCI config (vram's BAR) included, from the file, so nothing is
    // written into it.
    auto ram = QemuGuestRam::For(launch.guest.ram, ContentOf(launch.guest), launch.guest.passes);
    if (!ram.ok()) return ram.status();
    auto qmp_paths = SocketAndCapture(launch, "qmp");
    if (!qmp_paths.ok()) return qmp_paths.status();
    auto qtest_paths = SocketAndCapture(launch, "qtest");
    if (!qtest_paths.ok()) return qtest_paths.status();
    QemuMachine machine;
    machine.firmware = launch.work_dir + "/firmware.bin";
    DIOH_RETURN_IF_ERROR(WriteHaltFirmware(machine.firmware));
    machine.layout_args = ram->layout().MachineArgs();
    machine.qtest_socket = qtest_paths->first;
    if (!launch.incoming) {
      auto loaders = ram->WriteLoaderImages(launch.work_dir);
      if (!loaders.ok()) return loaders.status();
      machine.loader_args = std::move(*loaders);
    }
    auto engine = StartEngine(QemuArgv(binary_, launch, qmp_paths->first, machine), launch, qmp_paths->first,
                              qmp_paths->second, deadline);
    if (!engine.ok()) return engine.status();
    auto qtest = QtestClient::Connect(machine.qtest_socket, deadline);
    if (!qtest.ok()) return qtest.status().WithContext(launch.label + " engine " + binary_ + ": qtest");
    if (!launch.incoming) {
      const Status setup = qtest->RunAll(ram->SetupCommands(), deadline);
      if (!setup.ok()) return setup.WithContext(launch.label + " engine " + binary_ + ": vram's BAR and pass 0");
    }
    (*engine)->set_guest(GuestSession(std::move(*ram), std::move(*qtest)));
    return std::unique_ptr<EngineProcess>(std::move(*engine));
  }

 private:
  std::string binary_;
};

}  // namespace

std::unique_ptr<EngineDriver> MakeQemuDriver(std::string binary) {
  return std::make_unique<QemuDriver>(std::move(binary));
}

}  // namespace dioh
