// errno as a Status: the one place migration/ turns an errno into text
// (strerror), for the POSIX seam, the QMP socket and QEMU's messages that
// quote an errno (error_setg_errno(): "<what>: <strerror>").
#pragma once

#include <cerrno>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace mrm::model {

// The C library's text for err (strerror).
std::string ErrnoText(int err);

// Status::Error(err, "<what>: <ErrnoText(err)>"); an err of 0 (a call that
// failed without setting errno) becomes EIO, so the Status is still an error.
dioh::Status ErrnoStatus(int err, std::string_view what);
// The same for the errno the failed call just left.
inline dioh::Status ErrnoStatus(std::string_view what) { return ErrnoStatus(errno, what); }

}  // namespace mrm::model
