#include <signal.h>

#include <nlohmann/json.hpp>

#include "harness/engine/engine_driver.h"
#include "tests/harness/engine/engine_test_util.h"

namespace dioh {
namespace {

using namespace std::chrono_literals;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DriveMigrationTest : public engine_test::WorkDirTest {
 protected:
  std::unique_ptr<EngineProcess> Start(const std::string& spec, const std::string& label, bool incoming,
                                       bool no_direct_io_build = false) {
    auto driver = MakeEngineDriver(spec);
    EXPECT_TRUE(driver.ok()) << driver.status().message();
    if (!driver.ok()) return nullptr;
    EngineLaunch launch;
    launch.work_dir = dir_;
    launch.label = label;
    launch.incoming = incoming;
    launch.guest.ram = "pc.ram=16M";
    launch.no_direct_io_build = no_direct_io_build;
    auto engine = (*driver)->Launch(launch, DeadlineIn(10s));
    EXPECT_TRUE(engine.ok()) << engine.status().message();
    return engine.ok() ? std::move(*engine) : nullptr;
  }
  MigrationRequest Request(bool incoming, std::chrono::milliseconds timeout = 60s) const {
    MigrationRequest request;
    request.capabilities = {{"mapped-ram", true}, {"multifd", true}};
    request.parameters = nlohmann::json{{"multifd-channels", 4}, {"max-bandwidth", 0}};
    request.uri = "file:" + dir_ + "/guest.img";
    request.incoming = incoming;
    request.deadline = DeadlineIn(timeout);
    return request;
  }
  // Save with one engine, load (and verify) with a second, both over QMP.
  void SaveAndLoad(const std::string& spec) {
    auto source = Start(spec, "source", false);
    ASSERT_NE(source, nullptr);
    const MigrationOutcome saved = DriveMigration(*source, Request(false));
    EXPECT_EQ(saved.ToString(), "completed") << source->Output();
    EXPECT_GT(saved.seconds, 0);
    EXPECT_EQ(*QuitEngine(*source, DeadlineIn(10s)), "exit 0");
    EXPECT_GT(std::filesystem::file_size(dir_ + "/guest.img"), 16u << 20);
    auto destination = Start(spec, "destination", true);
    ASSERT_NE(destination, nullptr);
    const MigrationOutcome loaded = DriveMigration(*destination, Request(true));
    EXPECT_EQ(loaded.ToString(), "completed") << destination->Output();
    EXPECT_EQ(*QuitEngine(*destination, DeadlineIn(10s)), "exit 0");
  }
};

TEST_F(DriveMigrationTest, MrmigrateSavesAndLoadsA16MiBGuest) { SaveAndLoad("mrmigrate"); }

// With on_progress, query-migrate's replies come out while the save runs
// (how many depends on the machine's speed), and the final one last.
TEST_F(DriveMigrationTest, ProgressComesFromQueryMigrateEndingWithTheFinalReply) {
  auto source = Start("mrmigrate", "source", false);
  ASSERT_NE(source, nullptr);
  MigrationRequest request = Request(false);
  request.progress_interval = 1ms;
  std::vector<MigrationProgress> seen;
  request.on_progress = [&seen](const MigrationProgress& progress) { seen.push_back(progress); };
  EXPECT_EQ(DriveMigration(*source, request).ToString(), "completed") << source->Output();
  EXPECT_EQ(*QuitEngine(*source, DeadlineIn(10s)), "exit 0");
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].seconds, seen[i - 1].seconds);
  const MigrationProgress& last = seen.back();
  EXPECT_EQ(last.status, "completed");
  EXPECT_EQ(last.total, 16u << 20);
  ASSERT_TRUE(last.transferred.has_value());
  EXPECT_GE(*last.transferred, 1u << 20);
  EXPECT_EQ(last.normal_pages.value_or(0) + last.zero_pages.value_or(0), (16u << 20) / 4096);
}

TEST_F(DriveMigrationTest, ALoadOfAFileThatIsNotThereFailsWithTheEngineError) {
  auto destination = Start("mrmigrate", "destination", true);
  ASSERT_NE(destination, nullptr);
  const MigrationOutcome loaded = DriveMigration(*destination, Request(true));
  EXPECT_EQ(loaded.end, MigrationEnd::kFailed);
  EXPECT_PRED2(Contains, loaded.error_desc, dir_ + "/guest.img");
}

TEST_F(DriveMigrationTest, NoBuildSupportForDirectIoIsAFailedOutcome) {
  auto source = Start("mrmigrate", "source", false, /*no_direct_io_build=*/true);
  ASSERT_NE(source, nullptr);
  MigrationRequest request = Request(false);
  request.parameters.json()["direct-io"] = true;
  const MigrationOutcome outcome = DriveMigration(*source, request);
  EXPECT_EQ(outcome.ToString(), "failed: No build-time support for direct-io");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/guest.img"));  // refused before migrate
}

TEST_F(DriveMigrationTest, ARefusedCapabilityIsAFailedOutcome) {
  auto source = Start("mrmigrate", "source", false);
  ASSERT_NE(source, nullptr);
  MigrationRequest request = Request(false);
  request.capabilities = {{"mapped-ram", true}, {"xbzrle", true}};
  const MigrationOutcome outcome = DriveMigration(*source, request);
  EXPECT_EQ(outcome.end, MigrationEnd::kFailed);
  EXPECT_FALSE(outcome.error_desc.empty());
}

// A hung engine (stopped, so it answers nothing) costs the deadline, then is killed.
TEST_F(DriveMigrationTest, AHungEngineTimesOutAndIsKilled) {
  auto source = Start("mrmigrate", "source", false);
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(kill(source->pid(), SIGSTOP), 0);
  const MigrationOutcome outcome = DriveMigration(*source, Request(false, 500ms));
  EXPECT_EQ(outcome.end, MigrationEnd::kTimeout);
  EXPECT_PRED2(Contains, outcome.error_desc, "migrate-set-capabilities: no answer after ");
  EXPECT_PRED2(Contains, outcome.error_desc, "engine killed");
  auto exit = source->WaitExit(DeadlineIn(10s));
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, "killed by signal 9 (SIGKILL)");
}

TEST_F(DriveMigrationTest, AnEngineThatDiedIsReportedWithItsOutput) {
  auto source = Start("mrmigrate", "source", false);
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(kill(source->pid(), SIGUSR1), 0);  // default action: terminate, no core file
  const MigrationOutcome outcome = DriveMigration(*source, Request(false));
  EXPECT_EQ(outcome.end, MigrationEnd::kEngineDied);
  EXPECT_PRED2(Contains, outcome.error_desc, "engine killed by signal 10 (SIGUSR1)");
}

}  // namespace
}  // namespace dioh
