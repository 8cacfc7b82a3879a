// How each engine is started: pure functions from an EngineLaunch to the
// argv and environment, unit-tested without starting anything.
#pragma once

#include <string>
#include <vector>

#include "harness/engine/engine_driver.h"

namespace dioh {

// QEMU's -qmp / mrmigrate's --qmp spelling: "unix:PATH,server=on,wait=off".
std::string QmpChardev(const std::string& socket_path);

// BINARY qmp --qmp CHARDEV --ram R --seed S --zero-fraction Z --dirty-fraction D
//   --passes P [--x-pretend-no-direct-io]
std::vector<std::string> MrmigrateArgv(const std::string& binary, const EngineLaunch& launch,
                                       const std::string& socket_path);

// What a QEMU under the harness is made of besides its QMP socket.
struct QemuMachine {
  std::vector<std::string> layout_args;  // Q35Layout::MachineArgs(): -m, the VGA device
  std::string firmware;                  // the halting firmware, for -bios
  std::string qtest_socket;              // -qtest unix:PATH,server=on,wait=off
  std::vector<std::string> loader_args;  // pass 0 of guest RAM (-device loader,...), the source only
};

// BINARY -accel tcg -machine q35 LAYOUT -nodefaults -display none
//   -name LABEL,debug-threads=on -bios FIRMWARE -S -qmp CHARDEV
//   -qtest CHARDEV -qtest-log /dev/null LOADERS [-incoming defer]
std::vector<std::string> QemuArgv(const std::string& binary, const EngineLaunch& launch, const std::string& socket_path,
                                  const QemuMachine& machine);

// launch.extra_env, plus LD_PRELOAD=preload_library when one is set.
std::vector<std::string> EngineEnvironment(const EngineLaunch& launch);

// The shortest decimal that reads back as `value` ("0.5", "0.125", "1").
std::string FormatFraction(double value);

}  // namespace dioh
