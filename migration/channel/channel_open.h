// How each migration channel opens the file. The decision to use O_DIRECT is
// made here and only here (ChannelOpenFlags), mirroring QEMU's
// options.c:migrate_direct_io() and file.c:file_send_channel_create() /
// multifd_file_recv_data() callers: only multifd channels of a mapped-ram
// migration open with O_DIRECT, each opening the path itself (O_DIRECT belongs
// to the open file description, so a dup of the main descriptor would share it).
#pragma once

#include <memory>
#include <string>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/channel/injected_bugs.h"

namespace mrm::channel {

// migrate_direct_io(): forwards to the params core's rule (migration_config.h).
bool DirectIoEffective(bool direct_io, bool mapped_ram, bool multifd);

enum class ChannelRole { kMain, kMultifd };
enum class Direction { kOutgoing, kIncoming };

struct DirectIoDecision {
  bool requested = false;  // the direct-io parameter
  bool effective = false;  // DirectIoEffective(), decided by the caller
};

// open(2) flags for a channel:
//  main out:     O_CREAT|O_WRONLY (never O_TRUNC: bytes before offset= survive)
//  main in:      O_RDONLY
//  multifd out:  O_WRONLY [|O_DIRECT]  (no O_CREAT: the main channel created it)
//  multifd in:   O_RDONLY [|O_DIRECT]
int ChannelOpenFlags(ChannelRole role, Direction direction, DirectIoDecision direct, const InjectedBugs& bugs);

// Opens `path`; an EINVAL on an O_DIRECT open where the same open without
// O_DIRECT works becomes "Could not open '<path>': filesystem does not
// support O_DIRECT" (util/osdep.c:qemu_open_internal); other failures
// "Could not open '<path>': <strerror>".
dioh::Result<std::unique_ptr<File>> OpenChannelFile(FileSystem& fs, const std::string& path, int flags);

}  // namespace mrm::channel
