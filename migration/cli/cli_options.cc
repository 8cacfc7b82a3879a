#include "migration/cli/cli_options.h"

#include <cerrno>

#include "migration/params/hmp_text.h"

namespace mrm::cli {
namespace {

dioh::Result<std::pair<std::string, std::string>> SplitOption(const std::string& option, const char* flag,
                                                        const char* form) {
  const auto equals = option.find('=');
  if (equals == std::string::npos || equals == 0) {
    return dioh::Status::Error(EINVAL, std::string(flag) + " '" + option + "': expected " + form);
  }
  return std::pair{option.substr(0, equals), option.substr(equals + 1)};
}

}  // namespace

dioh::Result<params::CapabilityChange> ParseCapabilityOption(const std::string& option) {
  auto split = SplitOption(option, "--capability", "NAME=on|off");
  if (!split.ok()) return split.status();
  auto change = params::ParseHmpCapability(split->first, split->second);
  if (!change.ok()) return change.status().WithContext("--capability " + option);
  return change;
}

dioh::Result<params::ParameterChange> ParseParameterOption(const std::string& option) {
  auto split = SplitOption(option, "--parameter", "NAME=VALUE");
  if (!split.ok()) return split.status();
  auto change = params::ParseHmpParameter(split->first, split->second);
  if (!change.ok()) return change.status().WithContext("--parameter " + option);
  return change;
}

dioh::Status ApplyCliOptions(qmp::MigrationController& controller, const std::vector<std::string>& capabilities,
                       const std::vector<std::string>& parameters) {
  std::vector<params::CapabilityChange> capability_changes;
  for (const std::string& option : capabilities) {
    auto change = ParseCapabilityOption(option);
    if (!change.ok()) return change.status();
    capability_changes.push_back(*change);
  }
  std::vector<params::ParameterChange> parameter_changes;
  for (const std::string& option : parameters) {
    auto change = ParseParameterOption(option);
    if (!change.ok()) return change.status();
    parameter_changes.push_back(std::move(*change));
  }
  DIOH_RETURN_IF_ERROR(controller.SetCapabilities(capability_changes));
  return controller.SetParameters(parameter_changes);
}

std::string ToMigrationUri(const std::string& target) {
  return target.rfind("file:", 0) == 0 ? target : "file:" + target;
}

std::string CapabilityNamesHelp() {
  std::string names;
  for (std::size_t i = 0; i < params::kCapabilityCount; ++i) {
    names += (i == 0 ? "" : ", ") + std::string(params::CapabilityName(static_cast<params::Capability>(i)));
  }
  return names;
}

std::string ParameterNamesHelp() {
  std::string names;
  for (const params::ParamSpec& spec : params::ParameterSpecs()) {
    names += (names.empty() ? "" : ", ") + std::string(spec.name);
  }
  names += "\n  x-inject takes a comma-separated list of:";
  for (std::string_view bug : model::InjectedBugNames()) names += " " + std::string(bug);
  return names;
}

}  // namespace mrm::cli
