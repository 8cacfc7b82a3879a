// RunJob end to end on a real diofs mount and the real mrmigrate: a small
// scenario passes every check; a hung engine is timed out, killed and
// cleaned up. Every run gets a private TMPDIR, so "nothing left behind"
// means: that folder is empty and nothing under it is mounted.
#include "harness/runner/scenario_runner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/mount/mounted_diofs.h"
#include "tests/harness/support/check_names.h"

namespace dioh {
namespace {

bool MountedUnder(const std::string& dir) {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    if (line.find(dir) != std::string::npos) return true;
  }
  return false;
}

class RunnerMountTest : public testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
    char pattern[] = "/tmp/runner_mount_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    tmpdir_ = pattern;
    const char* old = std::getenv("TMPDIR");
    old_tmpdir_ = old != nullptr ? old : "";
    setenv("TMPDIR", tmpdir_.c_str(), 1);
  }
  void TearDown() override {
    if (tmpdir_.empty()) return;
    if (old_tmpdir_.empty()) unsetenv("TMPDIR");
    else setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    EXPECT_FALSE(MountedUnder(tmpdir_)) << "a mount was left under " << tmpdir_;
    EXPECT_TRUE(std::filesystem::is_empty(tmpdir_)) << "files were left in " << tmpdir_;
    std::error_code ignored;
    std::filesystem::remove_all(tmpdir_, ignored);
  }
  static Scenario Small() {
    Scenario scenario;
    scenario.name = "small";
    scenario.guest.ram = "pc.ram=8M,vga.vram=4M";
    scenario.capabilities = {{"mapped-ram", true}, {"multifd", true}};
    scenario.parameters = nlohmann::json{{"multifd-channels", 2}, {"direct-io", true}};
    scenario.expect = ExpectedOutcome{};
    return scenario;
  }
  // The Small scenario on ENGINE (a MakeEngineDriver spec).
  static JobRun RunSmall(const std::string& engine_spec) {
    auto engine = MakeEngineDriver(engine_spec);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    if (!engine.ok()) return JobRun{};
    RunEnvironment environment;
    environment.engine = engine->get();
    auto job = JobFromScenario(Small());
    EXPECT_TRUE(job.ok());
    return job.ok() ? RunJob(*job, environment) : JobRun{};
  }
  std::string tmpdir_, old_tmpdir_;
};

TEST_F(RunnerMountTest, ASmallDirectIoSaveAndLoadPassesEveryCheck) {
  const JobRun run = RunSmall("mrmigrate");
  std::ostringstream failures;
  for (const auto& [name, detail] : FailureLines(run.result)) failures << name << ": " << detail << "\n";
  EXPECT_EQ(run.result.verdict, Verdict::kPass) << run.result.outcome << "\n" << failures.str();
  EXPECT_EQ(run.result.outcome, "completed; load completed");
  EXPECT_TRUE(run.result.runner_failures.empty());
  EXPECT_EQ(run.result.checks.size(), test_support::CheckNames().size());
  EXPECT_GT(run.file_bytes, 12u << 20);
  EXPECT_NE(run.write_map_svg.find("<svg"), std::string::npos);
}

TEST_F(RunnerMountTest, AHungEngineIsTimedOutKilledAndReportedAsFailed) {
  auto engine = MakeEngineDriver(std::string("mrmigrate:") + HUNG_QMP_ENGINE);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  RunEnvironment environment;
  environment.engine = engine->get();
  Scenario scenario = Small();
  scenario.timeout_seconds = 1;
  auto job = JobFromScenario(scenario);
  ASSERT_TRUE(job.ok());
  const JobRun run = RunJob(*job, environment);
  EXPECT_EQ(run.result.verdict, Verdict::kFail);
  EXPECT_EQ(run.result.outcome.rfind("timeout", 0), 0u) << run.result.outcome;
  // TearDown: nothing mounted, nothing left.
}

TEST_F(RunnerMountTest, AProfileThatDoesNotExistFailsTheRunWithItsName) {
  auto engine = MakeEngineDriver("mrmigrate");
  ASSERT_TRUE(engine.ok());
  RunEnvironment environment;
  environment.engine = engine->get();
  Scenario scenario = Small();
  scenario.diofs.profile = "strict-3k";
  auto job = JobFromScenario(scenario);
  ASSERT_TRUE(job.ok());
  const JobRun run = RunJob(*job, environment);
  EXPECT_EQ(run.result.verdict, Verdict::kError);
  EXPECT_NE(run.result.outcome.find("strict-3k"), std::string::npos) << run.result.outcome;
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kSetup);
  EXPECT_NE(run.result.runner_failures[0].detail.find("strict-3k"), std::string::npos);
  EXPECT_TRUE(run.result.checks.empty());
}

// A `mrmigrate:PATH` that is a wrapper script which forks the engine (no
// exec): the engine's writes are its child's, in the engine's process group,
// and still count (before op-log pgids, odirect-aligned passed with "0
// O_DIRECT transfers").
TEST_F(RunnerMountTest, AnEngineBehindAForkingWrapperIsStillJudgedOnItsWrites) {
  char pattern[] = "/tmp/runner_mount_wrapper.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string wrapper = std::string(pattern) + "/engine.sh";
  {
    std::ofstream script(wrapper);
    script << "#!/bin/sh\n" << MRMIGRATE << " \"$@\"\nstatus=$?\nexit $status\n";
  }
  std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
  const JobRun run = RunSmall("mrmigrate:" + wrapper);
  std::error_code ignored;
  std::filesystem::remove_all(pattern, ignored);
  EXPECT_EQ(run.result.verdict, Verdict::kPass) << run.result.outcome;
  bool found = false;
  for (const auto& check : run.result.checks) {
    if (check.name != "odirect-aligned") continue;
    found = true;
    EXPECT_EQ(check.status, CheckStatus::kPass) << check.detail;
    EXPECT_EQ(check.detail.find("0 O_DIRECT"), std::string::npos) << check.detail;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace dioh
