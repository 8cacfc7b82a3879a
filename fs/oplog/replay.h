// Replay: rebuilds one file's content as it was at a marker, from a log
// written with --log-data (dm-log-writes' replay-log, for one file).
//
// The file starts empty (mem backend). Applied, in sequence order, to the
// file that is at `path` when the marker is written (renames are followed
// back, so a file written as "/x.tmp" and renamed to "/x" counts): create,
// open with O_TRUNC, writes (a short write applies only `result` bytes),
// truncate, fallocate (allocate, punch hole with KEEP_SIZE, zero range),
// unlink. Failed operations (result < 0) change nothing.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/oplog/log_format.h"

namespace diofs::oplog {

// The content of `path` at the first marker whose text equals
// `until_mark_text`. Errors: no such marker, the file does not exist at that
// marker, a write whose data the log did not keep, an unsupported fallocate mode.
dioh::Result<std::vector<std::byte>> ReplayFile(std::span<const LogRecord> records,
                                                std::string_view path,
                                                std::string_view until_mark_text);

}  // namespace diofs::oplog
