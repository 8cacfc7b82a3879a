// PassthroughBackend: real files in a directory (`--backend passthrough:DIR`),
// holes kept (fallocate and sparse writes go to the real file). Every path is
// resolved inside DIR by the kernel (beneath.h: openat2 with RESOLVE_BENEATH
// and RESOLVE_NO_SYMLINKS): neither a ".." nor a symlink can reach outside
// it; symlinks, hard links, FIFOs, sockets and xattrs made through diofs are
// real ones in DIR. Backing files are opened without O_DIRECT: diofs
// enforces the profile's rules itself, whatever filesystem DIR is on.
#pragma once

#include <memory>
#include <string>

#include "fs/core/backend.h"

namespace diofs {

dioh::Result<std::unique_ptr<Backend>> MakePassthroughBackend(const std::string& dir);

}  // namespace diofs
