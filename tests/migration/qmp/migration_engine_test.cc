#include "migration/qmp/migration_engine.h"

#include <gtest/gtest.h>

namespace mrm::qmp {
namespace {

TEST(MigrationEngineTest, QemuStatusNames) {
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kNone), "none");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kSetup), "setup");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kActive), "active");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kDevice), "device");
  EXPECT_TRUE(MigrationIsRunning(MigrationStatus::kDevice));
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCompleted), "completed");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kFailed), "failed");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCancelling), "cancelling");
  EXPECT_EQ(MigrationStatusName(MigrationStatus::kCancelled), "cancelled");
  EXPECT_TRUE(MigrationIsRunning(MigrationStatus::kActive));
  EXPECT_FALSE(MigrationIsRunning(MigrationStatus::kCompleted));
}

}  // namespace
}  // namespace mrm::qmp
