// Loading a mapped-ram file into guest RAM (QEMU's migrate-incoming from
// file: with mapped-ram): the main channel parses and validates the stream
// and reads the bitmaps; runs of set bits are read in requests of at most
// 1 MiB (MAPPED_RAM_LOAD_BUF_SIZE) by the channels straight into guest pages.
#pragma once

#include "migration/channel/file_io.h"
#include "migration/engine/engine_config.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine {

// `ram` holds the destination's blocks (same idstr and used_length as the
// source), zero-filled: pages whose bit is clear are not read.
MigrationStatus LoadMigration(channel::FileSystem& fs, ram::HostRam& ram, const LoadConfig& config,
                              const StatusCallback& on_status = {});

}  // namespace mrm::engine
