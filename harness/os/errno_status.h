// The one place harness/ turns an errno into words: every failed system call
// of the harness becomes a Status through ErrnoStatus, so messages read alike
// ("open /x: No such file or directory") and the code stays the errno.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace dioh {

// Status::Error(error, "<what>: <strerror(error)>"). An `error` of 0 (a call
// that failed without setting errno) is reported as EIO, with the same words.
Status ErrnoStatus(int error, std::string_view what);
// strerror(error): for messages that are not a Status ("why it cannot run").
std::string ErrnoText(int error);
// "EINVAL" for -22 (an op-log result), "" for results >= 0; "errno<n>" when
// the number has no name.
std::string ErrnoName(std::int64_t result);

}  // namespace dioh
