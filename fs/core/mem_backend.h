// MemBackend: files in memory, sparse and page granular, so that a 64 GiB
// file with 1 MiB written costs 1 MiB (plus the page map). The default
// backend: nothing touches the machine's disks.
#pragma once

#include <memory>

#include "fs/core/backend.h"

namespace diofs {

std::unique_ptr<Backend> MakeMemBackend();

}  // namespace diofs
