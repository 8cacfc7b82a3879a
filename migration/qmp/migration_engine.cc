#include "migration/qmp/migration_engine.h"

#include <array>
#include <cerrno>

namespace dioh::migration {

std::string_view MigrationStatusName(MigrationStatus status) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "none", "setup", "active", "completed", "failed", "cancelling", "cancelled"};
  return kNames[static_cast<std::size_t>(status)];
}

bool MigrationIsRunning(MigrationStatus status) {
  return status == MigrationStatus::kSetup || status == MigrationStatus::kActive ||
         status == MigrationStatus::kCancelling;
}

Status UnavailableEngine::StartOutgoing(const MigrationJob&, StatusListener) {
  return Status::Error(ENOSYS, std::string(kMessage));
}

Status UnavailableEngine::StartIncoming(const MigrationJob&, StatusListener) {
  return Status::Error(ENOSYS, std::string(kMessage));
}

Result<std::string> UnavailableEngine::Inspect(const MigrationUri&) const {
  return Status::Error(ENOSYS, std::string(kMessage));
}

}  // namespace dioh::migration
