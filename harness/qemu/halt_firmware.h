// The firmware a QEMU guest under the harness boots: 64 KiB of zeros but for
// `cli; hlt; jmp $-2` at the reset vector (0xFFF0). The vCPU runs and halts
// at once, so it never writes RAM: guest RAM holds exactly what the harness
// wrote, and a `cont` makes the save live without a guest of its own.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace dioh {

std::vector<std::byte> HaltFirmware();

// Writes HaltFirmware() to `path` (for -bios).
Status WriteHaltFirmware(const std::string& path);

}  // namespace dioh
