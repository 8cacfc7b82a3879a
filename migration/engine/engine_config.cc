#include "migration/engine/engine_config.h"

namespace mrm::engine {

// QAPI MigrationStatus names.
const char* MigrationStateName(MigrationState s) {
  switch (s) {
    case MigrationState::kSetup: return "setup";
    case MigrationState::kActive: return "active";
    case MigrationState::kCompleted: return "completed";
    case MigrationState::kFailed: return "failed";
  }
  return "?";
}

}  // namespace mrm::engine
