#include "harness/runner/regress.h"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "migration/model/injected_bugs.h"
#include "tests/harness/support/check_names.h"

namespace dioh {
namespace {

TEST(RegressTest, EveryInjectedBugHasOneCaseAndANamedCheck) {
  std::set<std::string> bugs;
  const std::vector<std::string>& checks = test_support::CheckNames();
  for (const RegressionCase& c : RegressionCatalog()) {
    EXPECT_TRUE(bugs.insert(c.bug).second) << c.bug << " listed twice";
    EXPECT_TRUE(mrm::model::InjectedBugFromName(c.bug).has_value()) << c.bug;
    EXPECT_NE(std::find(checks.begin(), checks.end(), c.check), checks.end()) << c.check;
    EXPECT_FALSE(c.why.empty());
  }
  for (std::string_view name : mrm::model::InjectedBugNames()) EXPECT_TRUE(bugs.count(std::string(name))) << name;
}

std::map<std::string, Scenario> CatalogScenarios() {
  std::map<std::string, Scenario> scenarios;
  for (const RegressionCase& c : RegressionCatalog()) {
    Scenario scenario;
    scenario.name = c.scenario;
    scenario.expect = ExpectedOutcome{};
    scenarios[c.scenario] = scenario;
  }
  return scenarios;
}

TEST(RegressTest, JobsAreOneCleanRunPerScenarioThenOnePerBug) {
  auto jobs = RegressJobs(CatalogScenarios());
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  const std::size_t scenarios = CatalogScenarios().size();
  ASSERT_EQ(jobs->size(), scenarios + RegressionCatalog().size());
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    const RegressJob& job = (*jobs)[i];
    EXPECT_EQ(job.injected == nullptr, i < scenarios);
    if (job.injected == nullptr) {
      EXPECT_FALSE(job.job.scenario.parameters.json().contains("x-inject"));
    } else {
      EXPECT_EQ(job.job.scenario.parameters.json()["x-inject"], nlohmann::json::array({job.injected->bug}));
      EXPECT_EQ(job.job.scenario.name, job.injected->scenario);
    }
  }
}

TEST(RegressTest, AMissingScenarioIsNamed) {
  std::map<std::string, Scenario> scenarios = CatalogScenarios();
  scenarios.erase("regress-live");
  auto jobs = RegressJobs(scenarios);
  ASSERT_FALSE(jobs.ok());
  EXPECT_NE(jobs.status().message().find("regress-live"), std::string::npos);
}

ScenarioResult RunWith(std::vector<CheckResult> checks) {
  ScenarioResult result;
  result.scenario = "regress-live";
  result.profile = "strict-4k";
  result.outcome = "completed; load completed";
  result.checks = std::move(checks);
  return result;
}

TEST(RegressTest, AnInjectedRunPassesOnlyWhenTheNamedCheckFailed) {
  const RegressionCase& zero_bits = RegressionCatalog()[6];
  ASSERT_EQ(zero_bits.bug, "zero-pages-in-bitmap");
  const ScenarioResult caught = JudgeInjected(
      zero_bits, RunWith({{"bitmap-matches-pages", CheckStatus::kFail, "pc.ram page 12: bit set, page is zero"}, {"ram-equal", CheckStatus::kFail, "x"}}));
  EXPECT_EQ(caught.verdict, Verdict::kPass);
  ASSERT_EQ(caught.checks.size(), 1u);
  EXPECT_EQ(caught.checks[0].name, "caught-by-bitmap-matches-pages");
  EXPECT_EQ(caught.checks[0].detail, "pc.ram page 12: bit set, page is zero");
  EXPECT_NE(caught.outcome.find("also failed: ram-equal"), std::string::npos);

  const ScenarioResult missed = JudgeInjected(zero_bits, RunWith({{"bitmap-matches-pages", CheckStatus::kPass, ""}, {"ram-equal", CheckStatus::kFail, "x"}}));
  EXPECT_EQ(missed.verdict, Verdict::kFail);
  EXPECT_NE(missed.outcome.find("NOT caught"), std::string::npos);
}

// A runner failure (diofs exited badly) is named among the other failures,
// and the injected run's entry keeps only its verdict.
TEST(RegressTest, AnInjectedRunNamesRunnerFailuresAmongTheAlsoFailed) {
  const RegressionCase& zero_bits = RegressionCatalog()[6];
  ScenarioResult run = RunWith({{"bitmap-matches-pages", CheckStatus::kFail, "page 12"}, {"ram-equal", CheckStatus::kFail, "x"}});
  run.runner_failures.push_back({RunnerFailure::Kind::kDiofsExit, "diofs exited with status 1: boom"});
  const ScenarioResult caught = JudgeInjected(zero_bits, run);
  EXPECT_EQ(caught.verdict, Verdict::kPass);
  EXPECT_NE(caught.outcome.find("also failed: diofs-exit, ram-equal"), std::string::npos) << caught.outcome;
  EXPECT_TRUE(caught.runner_failures.empty());
  ASSERT_EQ(caught.checks.size(), 1u);
}

TEST(RegressTest, SignaturesIgnoreDetailsButNotVerdicts) {
  const ScenarioResult a = RunWith({{"odirect-aligned", CheckStatus::kPass, "tid 100"}});
  const ScenarioResult b = RunWith({{"odirect-aligned", CheckStatus::kPass, "tid 200"}});
  const ScenarioResult c = RunWith({{"odirect-aligned", CheckStatus::kFail, "tid 100"}});
  EXPECT_EQ(VerdictSignature(a), VerdictSignature(b));
  EXPECT_NE(VerdictSignature(a), VerdictSignature(c));
  ScenarioResult d = a;
  d.runner_failures.push_back({RunnerFailure::Kind::kDiofsExit, "diofs exited with status 1"});
  EXPECT_NE(VerdictSignature(a), VerdictSignature(d));
  EXPECT_NE(VerdictSignature(d).find("diofs-exit=FAIL"), std::string::npos) << VerdictSignature(d);
}

}  // namespace
}  // namespace dioh
