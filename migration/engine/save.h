// Saving guest RAM to a mapped-ram file (QEMU's migrate to file: with the
// mapped-ram capability, optionally multifd channels and direct-io).
#pragma once

#include <memory>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/channel/main_channel.h"
#include "migration/engine/engine_config.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine {

// file.c:file_start_outgoing_migration, where `migrate` is handled (QEMU's
// main thread): creates the file (O_CREAT|O_WRONLY, never O_TRUNC) and
// truncates it to the URI's offset, so that `migrate` to a path that cannot be
// created fails at once ("Could not create '<path>': <errno text>").
dioh::Result<std::unique_ptr<channel::MainChannelWriter>> StartOutgoingFile(channel::FileSystem& fs,
                                                                             const SaveConfig& config);

// The save itself, on the migration thread (QEMU's mig/src/main) from the
// main channel StartOutgoingFile opened. It opens every multifd channel's file
// (multifd_send_setup); the channel threads (mig/src/send_N) only write.
// Writes the whole stream: header, configuration, RAM START with per-block
// headers, pages via the channels (one pass, or `passes` live passes with
// PART sections), switchover command, END with the bitmaps, device sections,
// EOF and the JSON description. Live passes rewrite `ram` (ApplyPass).
// Reports setup/active/completed|failed through `on_status`; returns the
// final status (never "completed" after a failed channel).
// ram.dirty_sync_count counts the dirty syncs as QEMU does (each reported
// through `on_status`: a MIGRATION_PASS).
MigrationStatus SaveMigration(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
                              std::unique_ptr<channel::MainChannelWriter> main, const StatusCallback& on_status);
// Both steps on the calling thread (the CLI's save, tests).
MigrationStatus SaveMigration(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
                              const StatusCallback& on_status = {});

// Checks a SaveConfig before anything is opened (validate, then apply).
dioh::Status ValidateSaveConfig(const SaveConfig& config, const ram::HostRam& ram);

}  // namespace mrm::engine
