// The HMP commands human-monitor-command runs for migration (QEMU's
// migration-hmp-cmds.c): info migrate_parameters | migrate_capabilities |
// migrate, migrate_set_parameter, migrate_set_capability, migrate,
// migrate_incoming, migrate_cancel. Output is what QEMU's monitor prints,
// errors as "Error: <message>\n" (hmp_handle_error()).
#pragma once

#include <string>
#include <string_view>

#include "migration/qmp/migration_controller.h"

namespace mrm::qmp {

std::string ExecuteHmpCommand(MigrationController& controller, std::string_view command_line);

}  // namespace mrm::qmp
