// The engine mrmigrate runs. The one place to plug the mapped-ram engine in.
#pragma once

#include <memory>

#include "migration/qmp/migration_engine.h"
#include "migration/runner/guest_spec.h"

namespace mrm::cli {

// The mapped-ram engine over the real filesystem, saving or verifying `guest`.
std::unique_ptr<qmp::MigrationEngine> MakeMigrationEngine(const runner::GuestSpec& guest);

}  // namespace mrm::cli
