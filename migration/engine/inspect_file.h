// `mrmigrate inspect FILE[,offset=N]`: opens the file through the I/O seam
// (read-only, never O_DIRECT) and returns format::Inspect's report.
#pragma once

#include <string>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/format/inspect.h"

namespace mrm::engine {

dioh::Result<format::InspectReport> InspectFile(channel::FileSystem& fs, const std::string& path, uint64_t offset = 0);

}  // namespace mrm::engine
