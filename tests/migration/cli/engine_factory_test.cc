#include "migration/cli/engine_factory.h"

#include <gtest/gtest.h>

#include "migration/runner/mapped_ram_engine.h"

namespace mrm::cli {
namespace {

// mrmigrate runs the mapped-ram engine; a job it cannot take (not a file:
// URI) is refused before anything starts, so the listener never hears of it.
TEST(EngineFactoryTest, PlugsInTheMappedRamEngine) {
  auto engine = MakeMigrationEngine(runner::GuestSpec{});
  ASSERT_NE(dynamic_cast<runner::MappedRamEngine*>(engine.get()), nullptr);
  qmp::MigrationJob job;
  job.uri.transport = params::Transport::kSocket;
  int calls = 0;
  const dioh::Status status = engine->StartOutgoing(job, [&calls](const qmp::StatusChange&) { ++calls; });
  EXPECT_EQ(status.message(), "the mapped-ram engine migrates only to file: URIs");
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace mrm::cli
