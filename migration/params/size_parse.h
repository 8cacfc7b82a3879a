// Sizes as QEMU's qemu_strtosz() reads them: a decimal or 0x-hex integer, or a
// decimal fraction, with an optional suffix B, K, M, G, T, P, E (any case,
// powers of 1024). Hex takes no suffix and no fraction; a fraction needs a
// suffix bigger than B. Errors carry EINVAL or ERANGE, as QEMU's do.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status/status.h"

namespace mrm::params {

// `default_unit` is what a bare number counts: 1 for qemu_strtosz(), 1 MiB
// for qemu_strtosz_MiB() (HMP max-bandwidth).
dioh::Result<std::uint64_t> ParseSize(std::string_view text, std::uint64_t default_unit = 1);

}  // namespace mrm::params
