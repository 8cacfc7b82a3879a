// How each migration channel opens the file. The decision to use O_DIRECT is
// made here and only here (ChannelOpenFlags), mirroring QEMU's
// file.c:file_send_channel_create() / multifd_file_recv_data() callers of
// options.c:migrate_direct_io(): only multifd channels of a mapped-ram
// migration open with O_DIRECT, each opening the path itself (O_DIRECT belongs
// to the open file description, so a dup of the main descriptor would share it).
#pragma once

#include <memory>
#include <string>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/model/direct_io.h"
#include "migration/model/direction.h"
#include "migration/model/injected_bugs.h"

namespace mrm::channel {

enum class ChannelRole { kMain, kMultifd };

// open(2) flags for a channel, from the direct-io decision as it was taken
// (model::DirectIo::Decide):
//  main out:     O_CREAT|O_WRONLY (never O_TRUNC: bytes before offset= survive)
//  main in:      O_RDONLY
//  multifd out:  O_WRONLY [|O_DIRECT]  (no O_CREAT: the main channel created it)
//  multifd in:   O_RDONLY [|O_DIRECT]
int ChannelOpenFlags(ChannelRole role, model::Direction direction, const model::DirectIo& direct_io,
                     const model::InjectedBugs& bugs);

// Opens `path`; an EINVAL on an O_DIRECT open where the same open without
// O_DIRECT works becomes "Could not open '<path>': filesystem does not
// support O_DIRECT" (util/osdep.c:qemu_open_internal); other failures
// "Could not create '<path>': <errno text>" with O_CREAT (qemu_create),
// "Could not open '<path>': <errno text>" without (qemu_open).
dioh::Result<std::unique_ptr<File>> OpenChannelFile(FileSystem& fs, const std::string& path, int flags);

}  // namespace mrm::channel
