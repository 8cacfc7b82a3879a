// Migration URIs. mrmigrate speaks `file:PATH[,offset=N]` (QEMU's
// migration/file.c file_parse_offset(): the first ",offset=" splits the path
// from a qemu_strtosz() size). Other QEMU schemes are recognised so that the
// transport rules (seekable, multi-channel) give QEMU's messages.
#pragma once

#include <cstdint>
#include <string>

#include "common/status/status.h"

namespace mrm::params {

enum class Transport { kFile, kSocket, kExec, kFd, kRdma };

struct MigrationUri {
  Transport transport = Transport::kFile;
  std::string path;          // kFile: the file; otherwise what follows the scheme
  std::uint64_t offset = 0;  // kFile: where the stream starts in the file
};

// Errors with QEMU's texts: "file URI has bad offset %s: Invalid argument",
// "Parameter 'uri' expects a valid migration protocol".
dioh::Result<MigrationUri> ParseMigrationUri(const std::string& uri);

}  // namespace mrm::params
