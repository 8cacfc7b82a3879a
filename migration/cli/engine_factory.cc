#include "migration/cli/engine_factory.h"

#include "migration/runner/mapped_ram_engine.h"

namespace dioh::migration {

std::unique_ptr<MigrationEngine> MakeMigrationEngine(const GuestSpec& guest) {
  return std::make_unique<MappedRamEngine>(mrm::channel::PosixFileSystem(), guest);
}

}  // namespace dioh::migration
