// RunJob's own logic, without a mount or a process: the OS is the in-memory
// FakeHarnessEnv and the engine a driver that cannot start. What the runner
// must do around the checks — report what kept it from judging as runner
// failures, in order, clean up its folder, never start a load after a failed
// save — is decided here; runner_mount_test.cc runs the real thing.
#include "harness/runner/scenario_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include <algorithm>
#include <cerrno>

#include "harness/checks/ram_expectation.h"
#include "tests/harness/support/check_names.h"
#include "tests/harness/support/fake_harness_env.h"

namespace dioh {
namespace {

using test_support::FakeHarnessEnv;

// An engine that cannot be started (a binary that is not there).
class UnstartableEngine final : public EngineDriver {
 public:
  std::string name() const override { return "unstartable"; }
  std::string kind() const override { return "mrmigrate"; }
  std::unique_ptr<RamExpectation> Expectation(const GuestSetup&) const override { return nullptr; }
  Result<std::unique_ptr<EngineProcess>> Launch(const EngineLaunch& launch, Deadline) override {
    launches.push_back(launch);
    return Status::Error(ENOENT, "no such binary");
  }
  std::vector<EngineLaunch> launches;
};

class ScenarioRunnerTest : public ::testing::Test {
 protected:
  ScenarioRunnerTest() {
    environment_.engine = &engine_;
    environment_.env = &env_;
    job_.scenario.name = "small";
    job_.scenario.guest.ram = "pc.ram=8M";
    job_.id = "small@strict-4k";
  }
  bool Contains(const std::vector<std::string>& args, const std::vector<std::string>& part) const {
    return std::search(args.begin(), args.end(), part.begin(), part.end()) != args.end();
  }

  FakeHarnessEnv env_;
  UnstartableEngine engine_;
  RunEnvironment environment_;
  Job job_;
};

TEST_F(ScenarioRunnerTest, ADiofsThatDoesNotMountIsASetupFailureAndNoEngineStarts) {
  env_.mount_error = Status::Error(EIO, "fusermount3: mount failed");
  const JobRun run = RunJob(job_, environment_);
  EXPECT_EQ(run.result.verdict, Verdict::kError);  // nothing was judged
  EXPECT_NE(run.result.reason.find("fusermount3: mount failed"), std::string::npos) << run.result.reason;
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kSetup);
  EXPECT_EQ(run.result.runner_failures[0].detail, "diofs did not mount: fusermount3: mount failed");
  EXPECT_EQ(run.result.outcome, "not run: diofs did not mount: fusermount3: mount failed");
  EXPECT_EQ(run.result.expected, "completed");
  EXPECT_TRUE(run.result.checks.empty());
  EXPECT_TRUE(engine_.launches.empty());
  EXPECT_EQ(env_.removed, std::vector<std::string>{"/fake/tmp/dioharness.1"});  // the work folder went too
}

TEST_F(ScenarioRunnerTest, AnUnknownProfileOrNoWorkFolderIsASetupFailure) {
  job_.scenario.diofs.profile = "strict-3k";
  JobRun run = RunJob(job_, environment_);
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kSetup);
  EXPECT_NE(run.result.outcome.find("strict-3k"), std::string::npos) << run.result.outcome;
  EXPECT_TRUE(env_.mounts.empty());

  job_.scenario.diofs.profile = "strict-4k";
  env_.temp_dir_error = Status::Error(ENOSPC, "mkdtemp /tmp/dioharness.XXXXXX: No space left on device");
  run = RunJob(job_, environment_);
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.outcome, "not run: mkdtemp /tmp/dioharness.XXXXXX: No space left on device");
  EXPECT_TRUE(env_.mounts.empty());
}

TEST_F(ScenarioRunnerTest, AnEngineThatCannotStartEndsTheSaveAndTheChecksStillJudge) {
  const JobRun run = RunJob(job_, environment_);
  ASSERT_EQ(engine_.launches.size(), 1u);  // no load after a save that did not complete
  EXPECT_EQ(engine_.launches[0].label, "source");
  EXPECT_EQ(engine_.launches[0].work_dir, "/fake/tmp/dioharness.1/source");
  EXPECT_EQ(run.result.outcome, "engine-died: source engine: no such binary");
  EXPECT_TRUE(run.result.runner_failures.empty());
  EXPECT_EQ(env_.unmounts, 1);
  EXPECT_EQ(run.result.verdict, Verdict::kFail);
  const auto expected = std::find_if(run.result.checks.begin(), run.result.checks.end(),
                                     [](const CheckResult& c) { return c.name == "expected-outcome"; });
  ASSERT_NE(expected, run.result.checks.end());
  EXPECT_EQ(expected->status, CheckStatus::kFail);
  EXPECT_EQ(expected->detail, "expected completed; save engine-died: source engine: no such binary");
  EXPECT_EQ(run.result.checks.size(), test_support::CheckNames().size());
}

TEST_F(ScenarioRunnerTest, ABadDiofsExitAndAMissingOpLogAreRunnerFailuresInThatOrder) {
  env_.unmount_result = 1;
  env_.daemon_stderr = "diofs: lost the FUSE connection";
  env_.op_log.reset();
  const JobRun run = RunJob(job_, environment_);
  EXPECT_EQ(run.result.verdict, Verdict::kFail);
  ASSERT_EQ(run.result.runner_failures.size(), 2u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kDiofsExit);
  EXPECT_EQ(run.result.runner_failures[0].detail, "diofs exited with status 1: diofs: lost the FUSE connection");
  EXPECT_EQ(run.result.runner_failures[1].kind, RunnerFailure::Kind::kOpLog);
  EXPECT_NE(run.result.runner_failures[1].detail.find("ops.log"), std::string::npos);
  EXPECT_TRUE(run.result.checks.empty());  // nothing to judge without the log
  EXPECT_TRUE(run.write_map_svg.empty());
}

TEST_F(ScenarioRunnerTest, ALogWithoutItsTrailerIsARunnerFailureAndItsRecordsAreStillJudged) {
  env_.op_log = FakeHarnessEnv::EmptyOpLog(/*with_trailer=*/false);
  const JobRun run = RunJob(job_, environment_);
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kOpLog);
  EXPECT_EQ(run.result.runner_failures[0].detail, "the log has no trailer (diofs did not close it)");
  EXPECT_EQ(run.result.checks.size(), test_support::CheckNames().size());  // the records it has are still judged
  EXPECT_EQ(run.result.verdict, Verdict::kFail);
}

// The runner judges while diofs still holds the file: it marks the log
// (diofs writes it out up to the marker), reads the file through the mount,
// and checks after the unmount that the log ended in its trailer with every
// record it judged.
TEST_F(ScenarioRunnerTest, TheLogIsMarkedJudgedWhileMountedAndFoundClosedAfterTheUnmount) {
  env_.op_log = FakeHarnessEnv::OpLogOf(2, /*with_trailer=*/false);  // as diofs has written it while running
  env_.op_log_after_unmount = FakeHarnessEnv::OpLogOf(2, /*with_trailer=*/true);
  const JobRun run = RunJob(job_, environment_);
  const auto mark = env_.written.find(std::string(FakeHarnessEnv::kMountpoint) + "/.diofs/mark");
  ASSERT_NE(mark, env_.written.end());
  EXPECT_EQ(std::string(mark->second.begin(), mark->second.end()), "dioharness: engines done");
  EXPECT_TRUE(run.result.runner_failures.empty());
  EXPECT_EQ(run.result.checks.size(), test_support::CheckNames().size());
}

TEST_F(ScenarioRunnerTest, ALogThatLostJudgedRecordsAtTheUnmountIsARunnerFailure) {
  env_.op_log = FakeHarnessEnv::OpLogOf(2, /*with_trailer=*/false);
  env_.op_log_after_unmount = FakeHarnessEnv::OpLogOf(1, /*with_trailer=*/true);
  const JobRun run = RunJob(job_, environment_);
  ASSERT_EQ(run.result.runner_failures.size(), 1u);
  EXPECT_EQ(run.result.runner_failures[0].kind, RunnerFailure::Kind::kOpLog);
  EXPECT_EQ(run.result.runner_failures[0].detail, "the log holds 1 records after the unmount, fewer than the 2 judged");
}

TEST_F(ScenarioRunnerTest, DiofsGetsTheScenariosOptionsAndTheFilesItReads) {
  job_.scenario.diofs.backend = "passthrough";
  job_.scenario.diofs.device = "nvme";
  job_.scenario.diofs.faults = R"({"seed": 3})";
  job_.scenario.uri_offset = 4096;
  environment_.keep_logs = true;
  environment_.artefact_dir = "/fake/out";
  const JobRun run = RunJob(job_, environment_);
  ASSERT_EQ(env_.mounts.size(), 1u);
  const std::vector<std::string>& args = env_.mounts[0];
  const std::string work = "/fake/tmp/dioharness.1";
  EXPECT_TRUE(Contains(args, {"--profile", "strict-4k", "--on-violation", "einval", "--log", work + "/ops.log"}));
  EXPECT_TRUE(Contains(args, {"--backend", "passthrough:" + work + "/backing"}));
  EXPECT_TRUE(Contains(args, {"--device", "nvme"}));
  EXPECT_TRUE(Contains(args, {"--faults", work + "/faults.json"}));
  // The main channel's buffered open must not make the channels' direct writes serial.
  EXPECT_TRUE(Contains(args, {"--direct-io-all"}));
  // Workers about the CPU count (at least 2): more only add context switches.
  EXPECT_TRUE(Contains(args, {"--max-threads", std::to_string(std::max(2u, std::thread::hardware_concurrency()))}));
  // The prefix went through the mount before the engine ran; the log was kept.
  const std::string file = std::string(FakeHarnessEnv::kMountpoint) + "/guest.img";
  ASSERT_EQ(env_.files.count(file), 1u);
  EXPECT_EQ(env_.files[file].size(), 4096u);
  EXPECT_EQ(run.file_bytes, 4096u);
  EXPECT_EQ(env_.files.count("/fake/out/small@strict-4k.oplog"), 1u);
  // The fault rules as written in the scenario, then the work folder with
  // them and the backing folder in it is gone.
  const std::string faults = std::string(R"({"seed": 3})") + "\n";
  EXPECT_EQ(env_.written[work + "/faults.json"], std::vector<std::uint8_t>(faults.begin(), faults.end()));
  EXPECT_EQ(env_.files.count(work + "/faults.json"), 0u);
  EXPECT_EQ(env_.dirs.count(work + "/backing"), 0u);
}

}  // namespace
}  // namespace dioh
