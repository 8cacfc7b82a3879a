#include "harness/runner/jobs.h"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "fs/core/profile.h"

namespace dioh {
namespace {

Scenario MatrixScenario(const std::string& name) {
  Scenario scenario;
  scenario.name = name;
  scenario.matrix = true;
  scenario.capabilities = {{"mapped-ram", true}, {"multifd", true}};
  scenario.parameters = nlohmann::json{{"multifd-channels", 4}, {"direct-io", true}};
  return scenario;
}

TEST(JobsTest, AScenarioRunsAsWrittenOrWithTheOutcomeItsProfileImplies) {
  Scenario scenario = MatrixScenario("s");
  scenario.diofs.profile = "no-odirect";
  auto derived = JobFromScenario(scenario);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(derived->expected.status, ExpectedOutcome::Status::kFailed);
  scenario.diofs.profile = "strict-4k";
  scenario.expect = ExpectedOutcome{};
  auto job = JobFromScenario(scenario);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->id, "s@strict-4k");
  EXPECT_EQ(job->expected.status, ExpectedOutcome::Status::kCompleted);
}

TEST(JobsTest, MatrixIsEveryMatrixScenarioOnEveryPresetWithDerivedOutcomes) {
  Scenario off = MatrixScenario("not-in-matrix");
  off.matrix = false;
  const std::vector<Job> jobs = MatrixJobs({MatrixScenario("a"), off, MatrixScenario("b")});
  const std::size_t presets = diofs::ProfilePresets().size();
  ASSERT_EQ(jobs.size(), 2 * presets);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const diofs::Profile& profile = diofs::ProfilePresets()[i % presets];
    EXPECT_EQ(jobs[i].scenario.diofs.profile, profile.name);
    EXPECT_EQ(jobs[i].scenario.name, i < presets ? "a" : "b");
    // The expectation is the profile rules' consequence, not a list.
    EXPECT_EQ(jobs[i].expected.ToString(), DeriveExpectedOutcome(jobs[i].scenario, profile).ToString());
    ids.insert(jobs[i].id);
  }
  EXPECT_EQ(ids.size(), jobs.size());
}

TEST(JobsTest, DirectIoOnProfilesThatCannotTakeItIsExpectedToFail) {
  for (const Job& job : MatrixJobs({MatrixScenario("a")})) {
    const bool cannot = job.scenario.diofs.profile == "no-odirect" || job.scenario.diofs.profile == "strict-64k";
    EXPECT_EQ(job.expected.status == ExpectedOutcome::Status::kFailed, cannot) << job.id;
  }
}

// QEMU 10.0's crash after the refused open is catalogued wherever the
// derivation expects that open to be refused, and nowhere else.
TEST(JobsTest, TheRefusedOpenCarriesQemusKnownCrash) {
  for (const Job& job : MatrixJobs({MatrixScenario("a")})) {
    const bool refused = job.scenario.diofs.profile == "no-odirect";
    ASSERT_EQ(job.scenario.known_engine_bugs.size(), refused ? 1u : 0u) << job.id;
    if (!refused) continue;
    const KnownEngineBug& bug = job.scenario.known_engine_bugs[0];
    EXPECT_EQ(bug.engine, "qemu");
    EXPECT_EQ(bug.fails, std::vector<std::string>{"expected-outcome"});
    EXPECT_NE(bug.summary.find("multifd_device_state_send_cleanup"), std::string::npos);
  }
  Scenario derived = MatrixScenario("b");
  derived.diofs.profile = "no-odirect";
  auto job = JobFromScenario(derived);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->scenario.known_engine_bugs.size(), 1u);
  derived.capabilities["multifd"] = false;  // direct-io not effective: nothing is opened with O_DIRECT
  job = JobFromScenario(derived);
  ASSERT_TRUE(job.ok());
  EXPECT_TRUE(job->scenario.known_engine_bugs.empty());
}

TEST(JobsTest, ShardsAreParsedStrictly) {
  auto shard = ParseShard("2/4");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard->index, 2u);
  EXPECT_EQ(shard->count, 4u);
  for (const char* bad : {"", "2", "0/4", "5/4", "a/b", "1/0", "1/4x", "/4", "2/"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(JobsTest, ShardsTogetherRunEveryJobOnce) {
  std::vector<int> all(23);
  for (int i = 0; i < 23; ++i) all[i] = i;
  std::multiset<int> seen;
  for (std::size_t index = 1; index <= 4; ++index) {
    const std::vector<int> mine = SelectShard(all, Shard{index, 4});
    EXPECT_GE(mine.size(), 5u);
    seen.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(seen, std::multiset<int>(all.begin(), all.end()));
}

}  // namespace
}  // namespace dioh
