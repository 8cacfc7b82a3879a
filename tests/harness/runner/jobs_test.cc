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
