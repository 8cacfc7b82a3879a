// PassthroughBackend: real files in a directory (`--backend passthrough:DIR`),
// holes kept (fallocate and sparse writes go to the real file). Every path is
// resolved inside DIR by the kernel, with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS): neither a ".." nor a symlink can reach outside it.
// Backing files are opened without O_DIRECT: diofs enforces the profile's
// rules itself, whatever filesystem DIR is on.
#pragma once

#include <memory>
#include <string>

#include "fs/core/backend.h"

namespace diofs {

dioh::Result<std::unique_ptr<Backend>> MakePassthroughBackend(const std::string& dir);

}  // namespace diofs
