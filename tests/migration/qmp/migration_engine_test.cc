#include "migration/qmp/migration_engine.h"

#include <gtest/gtest.h>

namespace mrm::qmp {
namespace {

TEST(MigrationEngineTest, QemuStatusNames) {
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kNone), "none");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kSetup), "setup");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kActive), "active");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCompleted), "completed");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kFailed), "failed");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCancelling), "cancelling");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCancelled), "cancelled");
  EXPECT_TRUE(MigrationIsRunning(MigrationStatus::kActive));
  EXPECT_FALSE(MigrationIsRunning(MigrationStatus::kCompleted));
}

TEST(MigrationEngineTest, UnavailableEngineStartsNothing) {
  UnavailableEngine engine;
  bool called = false;
  const dioh::Status status = engine.StartOutgoing(MigrationJob{}, [&](const StatusChange&) { called = true; });
  EXPECT_EQ(status.message(), "no migration engine is available in this build");
  EXPECT_EQ(engine.StartIncoming(MigrationJob{}, nullptr).message(), status.message());
  EXPECT_FALSE(called);
  EXPECT_EQ(engine.Inspect(params::MigrationUri{}).status().message(), status.message());
}

}  // namespace
}  // namespace mrm::qmp
