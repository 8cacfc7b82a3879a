// errno in words for harness/ where it is not a Status. A failed system
// call becomes a Status through ErrnoStatus (common/status/status.h), the one
// helper every part uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace dioh {

// strerror(error): for messages that are not a Status ("why it cannot run").
std::string ErrnoText(int error);
// "EINVAL" for -22 (an op-log result), "" for results >= 0; "errno<n>" when
// the number has no name.
std::string ErrnoName(std::int64_t result);

}  // namespace dioh
