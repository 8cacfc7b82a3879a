#include "migration/cli/engine_factory.h"

#include "migration/runner/mapped_ram_engine.h"

namespace mrm::cli {

std::unique_ptr<qmp::MigrationEngine> MakeMigrationEngine(const runner::GuestSpec& guest) {
  return std::make_unique<runner::MappedRamEngine>(channel::PosixFileSystem(), guest);
}

}  // namespace mrm::cli
