// The MigrationJob snapshot (capabilities, parameters, direct-io decision,
// file: URI) mapped onto the engine's SaveConfig / LoadConfig.
#pragma once

#include "common/status/status.h"
#include "migration/engine/engine_config.h"
#include "migration/qmp/migration_engine.h"
#include "migration/runner/guest_spec.h"

namespace mrm::runner {

// Fails only for what the engine cannot take: a transport other than file:.
dioh::Result<engine::SaveConfig> ToSaveConfig(const qmp::MigrationJob& job, const GuestSpec& guest);
dioh::Result<engine::LoadConfig> ToLoadConfig(const qmp::MigrationJob& job, const GuestSpec& guest);

}  // namespace mrm::runner
