#include "migration/engine/engine_config.h"

namespace mrm::engine {

const char* ZeroPageDetectionName(ZeroPageDetection z) {
  switch (z) {
    case ZeroPageDetection::kNone: return "none";
    case ZeroPageDetection::kLegacy: return "legacy";
    case ZeroPageDetection::kMultifd: return "multifd";
  }
  return "?";
}

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
