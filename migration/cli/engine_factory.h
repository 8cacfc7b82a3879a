// The engine mrmigrate runs. The one place to plug the mapped-ram engine in.
#pragma once

#include <memory>

#include "migration/qmp/migration_engine.h"

namespace dioh::migration {

std::unique_ptr<MigrationEngine> MakeMigrationEngine();

}  // namespace dioh::migration
