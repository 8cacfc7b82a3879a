// MemBackend: files in memory, sparse and page granular, so that a 64 GiB
// file with 1 MiB written costs 1 MiB (plus the page map). The default
// backend: nothing touches the machine's disks.
#pragma once

#include <cstdint>
#include <memory>

#include "fs/core/backend.h"

namespace diofs {

// `capacity_bytes` (0: unlimited) bounds the pages all files may hold:
// a write that needs more fails with ENOSPC; statfs reports the capacity.
std::unique_ptr<Backend> MakeMemBackend(std::uint64_t capacity_bytes = 0);

}  // namespace diofs
