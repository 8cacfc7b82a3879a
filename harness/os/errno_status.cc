#include "harness/os/errno_status.h"

#include <cerrno>
#include <cstring>

namespace dioh {

std::string ErrnoText(int error) { return std::strerror(error); }

std::string ErrnoName(std::int64_t result) {
  if (result >= 0) return "";
  const char* name = strerrorname_np(static_cast<int>(-result));
  return name != nullptr ? name : "errno" + std::to_string(-result);
}

}  // namespace dioh
