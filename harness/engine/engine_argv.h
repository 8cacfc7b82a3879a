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

// BINARY -machine q35 -m SIZE -nodefaults -display none -S -qmp CHARDEV
//   [-incoming defer]; SIZE is the guest's RAM in MiB, rounded up ("<N>M").
std::vector<std::string> QemuArgv(const std::string& binary, const EngineLaunch& launch,
                                  const std::string& socket_path);

// launch.extra_env, plus LD_PRELOAD=preload_library when one is set.
std::vector<std::string> EngineEnvironment(const EngineLaunch& launch);

// The shortest decimal that reads back as `value` ("0.5", "0.125", "1").
std::string FormatFraction(double value);

}  // namespace dioh
