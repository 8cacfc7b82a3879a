// Saving guest RAM to a mapped-ram file (QEMU's migrate to file: with the
// mapped-ram capability, optionally multifd channels and direct-io).
#pragma once

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/engine/engine_config.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine {

// Writes the whole stream: header, configuration, RAM START with per-block
// headers, pages via the channels (one pass, or `passes` live passes with
// PART sections), switchover command, END with the bitmaps, device sections,
// EOF and the JSON description. Live passes rewrite `ram` (ApplyPass).
// Reports setup/active/completed|failed through `on_status`; returns the
// final status (never "completed" after a failed channel).
MigrationStatus SaveMigration(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
                              const StatusCallback& on_status = {});

// Checks a SaveConfig before anything is opened (validate, then apply).
dioh::Status ValidateSaveConfig(const SaveConfig& config, const ram::HostRam& ram);

}  // namespace mrm::engine
