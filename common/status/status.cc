#include "common/status/status.h"

#include <cerrno>
#include <cstring>

namespace dioh {

std::string Status::ToString() const {
  if (ok()) return "OK";
  const char* name = strerrorname_np(code_);
  return message_ + " (" + (name != nullptr ? name : std::to_string(code_)) + ")";
}

Status ErrnoStatus(const std::string& what, int code) {
  if (code <= 0) code = EIO;  // a caller that lost errno still reports an error
  return Status::Error(code, what + ": " + std::strerror(code));
}

Status ErrnoStatus(const std::string& what) {
  const int code = errno;
  return ErrnoStatus(what, code);
}

}  // namespace dioh
