// The CLI's --capability NAME=on|off and --parameter NAME=VALUE options. They
// take the names of QMP and the value forms of HMP's migrate_set_capability /
// migrate_set_parameter (so max-bandwidth counts MiB without a suffix), and go
// through the same MigrationController checks as QMP: all applied or none.
#pragma once

#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/qmp/migration_controller.h"

namespace mrm::cli {

dioh::Result<params::CapabilityChange> ParseCapabilityOption(const std::string& option);
dioh::Result<params::ParameterChange> ParseParameterOption(const std::string& option);

// Capabilities first, then parameters, each set validated as one change.
dioh::Status ApplyCliOptions(qmp::MigrationController& controller, const std::vector<std::string>& capabilities,
                       const std::vector<std::string>& parameters);

// "file:..." as given; anything else is taken as a path: "file:" + it.
std::string ToMigrationUri(const std::string& target);

// Text for --help: the accepted names.
std::string CapabilityNamesHelp();
std::string ParameterNamesHelp();

}  // namespace mrm::cli
