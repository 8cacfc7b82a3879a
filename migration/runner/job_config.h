// The MigrationJob snapshot (capabilities, parameters, direct_io_effective,
// file: URI) mapped onto the engine's SaveConfig / LoadConfig.
#pragma once

#include "common/status/status.h"
#include "migration/engine/engine_config.h"
#include "migration/qmp/migration_engine.h"
#include "migration/runner/guest_spec.h"

namespace dioh::migration {

// Fails only for what the engine cannot take: a transport other than file:
// or an x-inject name the parameters core would not have accepted.
Result<mrm::engine::SaveConfig> ToSaveConfig(const MigrationJob& job, const GuestSpec& guest);
Result<mrm::engine::LoadConfig> ToLoadConfig(const MigrationJob& job, const GuestSpec& guest);

}  // namespace dioh::migration
