#include "common/status/status.h"

#include <cstring>

namespace dioh {

std::string Status::ToString() const {
  if (ok()) return "OK";
  const char* name = strerrorname_np(code_);
  return message_ + " (" + (name != nullptr ? name : std::to_string(code_)) + ")";
}

}  // namespace dioh
