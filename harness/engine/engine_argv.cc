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

std::vector<std::string> QemuArgv(const std::string& binary, const EngineLaunch& launch,
                                  const std::string& socket_path) {
  constexpr std::uint64_t kMiB = 1 << 20;
  const std::uint64_t mib = (launch.guest.TotalRamBytes() + kMiB - 1) / kMiB;
  // -S: the guest never runs, so its RAM stays as the source left it; no
  // devices beyond the machine's own (-nodefaults), no window.
  std::vector<std::string> argv = {binary, "-machine", "q35", "-m", std::to_string(mib) + "M", "-nodefaults",
                                   "-display", "none", "-S", "-qmp", QmpChardev(socket_path)};
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
