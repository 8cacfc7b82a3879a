#include "migration/cli/engine_factory.h"

#include <gtest/gtest.h>

#include "migration/runner/mapped_ram_engine.h"

namespace dioh::migration {
namespace {

// mrmigrate runs the mapped-ram engine; a job it cannot take (not a file:
// URI) is refused before anything starts, so the listener never hears of it.
TEST(EngineFactoryTest, PlugsInTheMappedRamEngine) {
  auto engine = MakeMigrationEngine(GuestSpec{});
  ASSERT_NE(dynamic_cast<MappedRamEngine*>(engine.get()), nullptr);
  MigrationJob job;
  job.uri.transport = Transport::kSocket;
  int calls = 0;
  const Status status = engine->StartOutgoing(job, [&calls](const StatusChange&) { ++calls; });
  EXPECT_EQ(status.message(), "the mapped-ram engine migrates only to file: URIs");
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace dioh::migration
