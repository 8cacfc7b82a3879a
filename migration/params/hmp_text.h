// The HMP forms (migration/migration-hmp-cmds.c): `info migrate_parameters`
// and `info migrate_capabilities` text, and the values of
// `migrate_set_parameter NAME VALUE` / `migrate_set_capability NAME on|off`
// read as HMP reads them (string input visitor, sizes in MiB for bandwidths).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "migration/params/migration_config.h"

namespace mrm::params {

// One "name: value" line per parameter, in hmp_info_migrate_parameters() order
// and units (MAPPED-RAM.md shows the listing of QEMU 10.2).
std::string InfoMigrateParametersText(const MigrationParameters& parameters);
// One "name: on|off" line per capability.
std::string InfoMigrateCapabilitiesText(const CapabilitySet& capabilities);

// hmp_migrate_set_parameter()'s parsing, QEMU's messages.
dioh::Result<ParameterChange> ParseHmpParameter(std::string_view name, std::string_view value);
// hmp_migrate_set_capability()'s parsing: `state` is "on" or "off".
dioh::Result<CapabilityChange> ParseHmpCapability(std::string_view name, std::string_view state);

}  // namespace mrm::params
