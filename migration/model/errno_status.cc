#include "migration/model/errno_status.h"

#include <cstring>

namespace mrm::model {

std::string ErrnoText(int err) { return std::strerror(err); }

dioh::Status ErrnoStatus(int err, std::string_view what) {
  return dioh::Status::Error(err > 0 ? err : EIO, std::string(what) + ": " + ErrnoText(err));
}

}  // namespace mrm::model
