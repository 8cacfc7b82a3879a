#include "migration/cli/engine_factory.h"

namespace dioh::migration {

// Until the mapped-ram engine (migration/engine) is merged, nothing migrates.
std::unique_ptr<MigrationEngine> MakeMigrationEngine() { return std::make_unique<UnavailableEngine>(); }

}  // namespace dioh::migration
