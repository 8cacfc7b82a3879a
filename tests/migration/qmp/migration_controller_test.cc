#include "migration/qmp/migration_controller.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/migration/qmp/fake_engine.h"

namespace mrm::qmp {
namespace {

class MigrationControllerTest : public ::testing::Test {
 protected:
  // Applies what the engine reported, as the server loop does; returns the events.
  std::vector<params::Json> Drain() {
    std::vector<params::Json> events;
    for (const StatusChange& change : pending_) {
      if (auto event = controller_.OnStatusChange(change, {7, 8})) events.push_back(*event);
    }
    pending_.clear();
    return events;
  }
  void EnableEvents() {
    ASSERT_TRUE(controller_.SetCapabilities({{params::Capability::kEvents, true}}).ok());
  }

  testing::FakeEngine engine_;
  std::vector<StatusChange> pending_;
  MigrationController controller_{engine_, [this](const StatusChange& c) { pending_.push_back(c); }};
};

TEST_F(MigrationControllerTest, QueryMigrateIsEmptyBeforeAnyMigration) {
  EXPECT_EQ(controller_.QueryMigrate(), params::Json::object());
}

// The CLI's path: the same bookkeeping as OnStatusChange, no event built.
TEST_F(MigrationControllerTest, RecordStatusChangeKeepsStatusAndReason) {
  EnableEvents();
  ASSERT_TRUE(controller_.Migrate("file:/tmp/x").ok());
  controller_.RecordStatusChange({MigrationStatus::kFailed, "disk on fire"});
  EXPECT_EQ(controller_.status(), MigrationStatus::kFailed);
  EXPECT_EQ(controller_.error_desc(), "disk on fire");
  EXPECT_EQ(controller_.QueryMigrate()["error-desc"], "disk on fire");
  controller_.RecordStatusChange({MigrationStatus::kSetup, ""});
  EXPECT_EQ(controller_.error_desc(), "");
}

TEST_F(MigrationControllerTest, SaveGetsASnapshotAndEmitsEvents) {
  EnableEvents();
  ASSERT_TRUE(controller_.SetCapabilities({{params::Capability::kMappedRam, true}, {params::Capability::kMultifd, true}}).ok());
  ASSERT_TRUE(controller_.SetParameters({{params::FindParameter("direct-io"), true}}).ok());
  ASSERT_TRUE(controller_.Migrate("file:/tmp/x,offset=4096").ok());
  ASSERT_EQ(engine_.jobs().size(), 1u);
  const MigrationJob job = engine_.jobs()[0];
  EXPECT_EQ(job.uri.path, "/tmp/x");
  EXPECT_EQ(job.uri.offset, 4096u);
  EXPECT_TRUE(job.direct_io.effective());
  EXPECT_TRUE(job.parameters.direct_io);
  const auto events = Drain();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].dump(), R"({"timestamp":{"seconds":7,"microseconds":8},"event":"MIGRATION","data":{"status":"setup"}})");
  EXPECT_EQ(events[1]["data"]["status"], "active");
  EXPECT_EQ(controller_.QueryMigrate()["status"], "active");
  // While it runs: capabilities are frozen, a second migrate is refused.
  EXPECT_EQ(controller_.SetCapabilities({{params::Capability::kXbzrle, false}}).message(),
            "There's a migration process in progress");
  EXPECT_EQ(controller_.Migrate("file:/tmp/y").message(), "There's a migration process in progress");
  engine_.Complete();
  EXPECT_EQ(Drain().at(0)["data"]["status"], "completed");
  const params::Json info = controller_.QueryMigrate();
  EXPECT_EQ(info["status"], "completed");
  EXPECT_EQ(info["total-time"], 42);
  EXPECT_EQ(info["ram"]["transferred"], 8 << 20);
}

TEST_F(MigrationControllerTest, FailureCarriesErrorDesc) {
  ASSERT_TRUE(controller_.Migrate("file:/tmp/x").ok());
  EXPECT_TRUE(Drain().empty());  // events capability off: QEMU sends no MIGRATION events
  engine_.Fail("Could not open '/tmp/x': filesystem does not support O_DIRECT");
  Drain();
  EXPECT_EQ(controller_.QueryMigrate()["error-desc"],
            "Could not open '/tmp/x': filesystem does not support O_DIRECT");
  EXPECT_EQ(controller_.QueryMigrate()["status"], "failed");
}

TEST_F(MigrationControllerTest, CancelOnlyWhenRunning) {
  controller_.Cancel();
  EXPECT_TRUE(pending_.empty());
  ASSERT_TRUE(controller_.Migrate("file:/tmp/x").ok());
  Drain();
  controller_.Cancel();
  Drain();
  EXPECT_EQ(controller_.status(), MigrationStatus::kCancelled);
}

TEST_F(MigrationControllerTest, RulesBeforeTheEngine) {
  EXPECT_EQ(controller_.Migrate("file:/x,offset=0x20M").message(), "file URI has bad offset 0x20M: Invalid argument");
  ASSERT_TRUE(controller_.SetCapabilities({{params::Capability::kMultifd, true}}).ok());
  EXPECT_EQ(controller_.Migrate("file:/x").message(), "Migration requires multi-channel URIs (e.g. tcp)");
  ASSERT_TRUE(controller_.SetCapabilities({{params::Capability::kMultifd, false}}).ok());
  EXPECT_EQ(controller_.Migrate("tcp:localhost:4444").message(), "mrmigrate migrates only to and from file: URIs");
  EXPECT_TRUE(engine_.jobs().empty());
  engine_.RefuseNextStart(dioh::Status::Error(ENOSYS, "no"));
  EXPECT_EQ(controller_.MigrateIncoming("file:/x").message(), "no");
  ASSERT_TRUE(controller_.MigrateIncoming("file:/x").ok());
  EXPECT_EQ(engine_.outgoing().back(), false);
  Drain();
  engine_.Complete();
  Drain();
  EXPECT_EQ(controller_.MigrateIncoming("file:/x").message(), "The incoming migration has already been started");
}

}  // namespace
}  // namespace mrm::qmp
