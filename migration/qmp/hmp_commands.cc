#include "migration/qmp/hmp_commands.h"

#include <sstream>
#include <vector>

#include "migration/params/hmp_text.h"

namespace mrm::qmp {
namespace {

std::string HandleError(const dioh::Status& status) {
  return status.ok() ? std::string() : "Error: " + status.message() + "\n";
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Splits off the first word of `rest`.
std::string NextWord(std::string& rest) {
  rest = Trim(rest);
  const auto space = rest.find_first_of(" \t");
  std::string word = rest.substr(0, space);
  rest = space == std::string::npos ? std::string() : Trim(rest.substr(space));
  return word;
}

std::string InfoMigrate(const MigrationController& controller) {
  if (controller.status() == MigrationStatus::kNone) return {};
  std::string out = "Migration status: " + std::string(MigrationStatusName(controller.status())) + "\n";
  if (controller.status() == MigrationStatus::kFailed && !controller.error_desc().empty()) {
    out += "Error: " + controller.error_desc() + "\n";
  }
  return out;
}

}  // namespace

std::string ExecuteHmpCommand(MigrationController& controller, std::string_view command_line) {
  std::string rest(command_line);
  const std::string command = NextWord(rest);
  if (command == "info") {
    const std::string what = NextWord(rest);
    if (what == "migrate_parameters") return params::InfoMigrateParametersText(controller.config().parameters());
    if (what == "migrate_capabilities") return params::InfoMigrateCapabilitiesText(controller.config().capabilities());
    if (what == "migrate") return InfoMigrate(controller);
    return "unknown command: 'info " + what + "'\n";
  }
  if (command == "migrate_set_parameter") {
    const std::string name = NextWord(rest);
    if (name.empty() || rest.empty()) return "migrate_set_parameter: string expected\n";
    auto change = params::ParseHmpParameter(name, rest);
    if (!change.ok()) return HandleError(change.status());
    return HandleError(controller.SetParameters({*change}));
  }
  if (command == "migrate_set_capability") {
    const std::string name = NextWord(rest);
    if (name.empty()) return "migrate_set_capability: string expected\n";
    auto change = params::ParseHmpCapability(name, NextWord(rest));
    if (!change.ok() && change.status().message() == "Expected 'on' or 'off'") {
      return change.status().message() + "\n";  // an argument error of the monitor, not an Error
    }
    if (!change.ok()) return HandleError(change.status());
    return HandleError(controller.SetCapabilities({*change}));
  }
  if (command == "migrate") {
    std::string uri = NextWord(rest);
    if (uri == "-d") uri = NextWord(rest);  // mrmigrate always runs detached
    if (uri.empty()) return "migrate: string expected\n";
    return HandleError(controller.Migrate(uri));
  }
  if (command == "migrate_incoming") {
    const std::string uri = NextWord(rest);
    if (uri.empty()) return "migrate_incoming: string expected\n";
    return HandleError(controller.MigrateIncoming(uri));
  }
  if (command == "migrate_cancel") {
    controller.Cancel();
    return {};
  }
  return "unknown command: '" + command + "'\n";
}

}  // namespace mrm::qmp
