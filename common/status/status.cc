#include "common/status/status.h"

#include <cerrno>
#include <cstring>

namespace dioh {

std::string Status::ToString() const {
  if (ok()) return "OK";
  const char* name = strerrorname_np(code_);
  return message_ + " (" + (name != nullptr ? name : std::to_string(code_)) + ")";
}

Status ErrnoStatus(int error, std::string_view what) {
  return Status::Error(error > 0 ? error : EIO, std::string(what) + ": " + std::strerror(error));
}

}  // namespace dioh
