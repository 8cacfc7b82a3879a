// Base64 (RFC 4648, with padding): how qtest's b64write and b64read carry
// guest memory.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace dioh {

std::string Base64Encode(std::span<const std::byte> data);
// EINVAL naming the offset of the first character that is not base64.
Result<std::vector<std::byte>> Base64Decode(std::string_view text);

}  // namespace dioh
