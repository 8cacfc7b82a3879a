#include "harness/engine/engine_argv.h"

#include <charconv>

namespace dioh {

std::string QmpChardev(const std::string& socket_path) { return "unix:" + socket_path + ",server=on,wait=off"; }

std::string FormatFraction(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::vector<std::string> MrmigrateArgv(const std::string& binary, const EngineLaunch& launch,
                                       const std::string& socket_path) {
  const GuestSetup& guest = launch.guest;
  std::vector<std::string> argv = {binary,
                                   "qmp",
                                   "--qmp",
                                   QmpChardev(socket_path),
                                   "--ram",
                                   guest.ram,
                                   "--seed",
                                   std::to_string(guest.seed),
                                   "--zero-fraction",
                                   FormatFraction(guest.zero_fraction),
                                   "--dirty-fraction",
                                   FormatFraction(guest.dirty_fraction),
                                   "--passes",
                                   std::to_string(guest.passes)};
  if (launch.no_direct_io_build) argv.emplace_back("--x-pretend-no-direct-io");
  return argv;
}

std::vector<std::string> QemuArgv(const std::string& binary, const EngineLaunch& launch, const std::string& socket_path,
                                  const QemuMachine& machine) {
  // tcg: qtest needs an accelerator that Debian's build has (no -accel qtest);
  // -S until the harness says cont (a live save) or never; no devices beyond
  // the machine's and the layout's (-nodefaults), no window; thread names
  // (mig/src/send_N) for the op log's readers.
  std::vector<std::string> argv = {binary, "-accel", "tcg", "-machine", "q35"};
  argv.insert(argv.end(), machine.layout_args.begin(), machine.layout_args.end());
  const std::string label = launch.label.empty() ? "engine" : launch.label;
  argv.insert(argv.end(), {"-nodefaults", "-display", "none", "-name", label + ",debug-threads=on", "-bios",
                           machine.firmware, "-S", "-qmp", QmpChardev(socket_path), "-qtest",
                           QmpChardev(machine.qtest_socket), "-qtest-log", "/dev/null"});
  argv.insert(argv.end(), machine.loader_args.begin(), machine.loader_args.end());
  if (launch.incoming) {
    argv.emplace_back("-incoming");
    argv.emplace_back("defer");  // the URI comes with migrate-incoming, after the capabilities
  }
  return argv;
}

std::vector<std::string> EngineEnvironment(const EngineLaunch& launch) {
  std::vector<std::string> env = launch.extra_env;
  if (!launch.preload_library.empty()) env.push_back("LD_PRELOAD=" + launch.preload_library);
  return env;
}

}  // namespace dioh
