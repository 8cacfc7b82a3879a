#include "migration/qmp/migration_engine.h"

#include <array>
#include <cerrno>

namespace mrm::qmp {

std::string_view MigrationStatusName(MigrationStatus status) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "none", "setup", "active", "completed", "failed", "cancelling", "cancelled"};
  return kNames[static_cast<std::size_t>(status)];
}

bool MigrationIsRunning(MigrationStatus status) {
  return status == MigrationStatus::kSetup || status == MigrationStatus::kActive ||
         status == MigrationStatus::kCancelling;
}

dioh::Status UnavailableEngine::StartOutgoing(const MigrationJob&, StatusListener) {
  return dioh::Status::Error(ENOSYS, std::string(kMessage));
}

dioh::Status UnavailableEngine::StartIncoming(const MigrationJob&, StatusListener) {
  return dioh::Status::Error(ENOSYS, std::string(kMessage));
}

dioh::Result<std::string> UnavailableEngine::Inspect(const params::MigrationUri&) const {
  return dioh::Status::Error(ENOSYS, std::string(kMessage));
}

}  // namespace mrm::qmp
