#include "migration/qmp/migration_engine.h"

#include <array>

namespace mrm::qmp {

std::string_view MigrationStatusName(MigrationStatus status) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "none", "setup", "active", "completed", "failed", "cancelling", "cancelled", "device"};
  return kNames[static_cast<std::size_t>(status)];
}

bool MigrationIsRunning(MigrationStatus status) {
  return status == MigrationStatus::kSetup || status == MigrationStatus::kActive ||
         status == MigrationStatus::kDevice || status == MigrationStatus::kCancelling;
}

}  // namespace mrm::qmp
