#include "migration/cli/engine_factory.h"

#include <gtest/gtest.h>

namespace dioh::migration {
namespace {

// Until the mapped-ram engine is plugged in, the factory's engine refuses
// clearly instead of pretending to migrate.
TEST(EngineFactoryTest, EngineBeforeTheMappedRamEngineLands) {
  auto engine = MakeMigrationEngine();
  ASSERT_NE(engine, nullptr);
  if (dynamic_cast<UnavailableEngine*>(engine.get()) == nullptr) GTEST_SKIP() << "a real engine is plugged in";
  EXPECT_EQ(engine->StartOutgoing(MigrationJob{}, [](const StatusChange&) {}).message(),
            "no migration engine is available in this build");
}

}  // namespace
}  // namespace dioh::migration
