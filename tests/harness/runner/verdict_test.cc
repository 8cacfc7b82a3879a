#include "harness/runner/verdict.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

ScenarioResult WithChecks(std::vector<std::pair<std::string, CheckStatus>> checks) {
  ScenarioResult result;
  for (auto& [name, status] : checks) result.checks.push_back({name, status, "detail"});
  return result;
}

const std::vector<KnownEngineBug> kShortWriteBug = {
    {"qemu", {"10.0.*", "10.1.*"}, "file_write_ramblock_iov() ignores a short pwritev", {"short-writes-noticed", "ram-equal"}}};

VerdictFacts Qemu(const std::string& version) { return {"qemu", version, false, ""}; }

TEST(VerdictTest, PassAndFailWithoutKnownBugs) {
  const auto pass = WithChecks({{"a", CheckStatus::kPass}, {"b", CheckStatus::kSkip}});
  EXPECT_EQ(DecideVerdict(pass, {}, Qemu("10.0.2")).first, Verdict::kPass);
  const auto fail = WithChecks({{"a", CheckStatus::kFail}});
  EXPECT_EQ(DecideVerdict(fail, {}, Qemu("10.0.2")).first, Verdict::kFail);
  ScenarioResult runner = pass;
  runner.runner_failures.push_back({RunnerFailure::Kind::kDiofsExit, "exit 1"});
  EXPECT_EQ(DecideVerdict(runner, {}, Qemu("10.0.2")).first, Verdict::kFail);
}

TEST(VerdictTest, AKnownBugThatShowsExactlyIsReportedAsSuch) {
  const auto bug = WithChecks({{"short-writes-noticed", CheckStatus::kFail}, {"ram-equal", CheckStatus::kFail},
                               {"odirect-aligned", CheckStatus::kPass}});
  const auto [verdict, reason] = DecideVerdict(bug, kShortWriteBug, Qemu("10.0.2"));
  EXPECT_EQ(verdict, Verdict::kKnownEngineBug);
  EXPECT_EQ(reason, "QEMU 10.0.2: file_write_ramblock_iov() ignores a short pwritev");
  // Another engine, or a version the bug does not name: a plain failure.
  EXPECT_EQ(DecideVerdict(bug, kShortWriteBug, {"mrmigrate", "10.2.0", false, ""}).first, Verdict::kFail);
  EXPECT_EQ(DecideVerdict(bug, kShortWriteBug, Qemu("9.2.0")).first, Verdict::kFail);
}

TEST(VerdictTest, AFailureBeyondTheKnownBugIsAFailure) {
  const auto more = WithChecks({{"short-writes-noticed", CheckStatus::kFail}, {"ram-equal", CheckStatus::kFail},
                                {"odirect-aligned", CheckStatus::kFail}});
  const auto [verdict, reason] = DecideVerdict(more, kShortWriteBug, Qemu("10.1.0"));
  EXPECT_EQ(verdict, Verdict::kFail);
  EXPECT_EQ(reason, "failed beyond the known engine bug: failing odirect-aligned, ram-equal, short-writes-noticed, "
                    "the bug fails ram-equal, short-writes-noticed");
  const auto less = WithChecks({{"short-writes-noticed", CheckStatus::kFail}});
  EXPECT_EQ(DecideVerdict(less, kShortWriteBug, Qemu("10.1.0")).first, Verdict::kFail);
}

TEST(VerdictTest, AFixedBugIsAnUnexpectedPass) {
  const auto clean = WithChecks({{"short-writes-noticed", CheckStatus::kPass}});
  const auto [verdict, reason] = DecideVerdict(clean, kShortWriteBug, Qemu("10.0.3"));
  EXPECT_EQ(verdict, Verdict::kUnexpectedPass);
  EXPECT_NE(reason.find("update the scenario's known_engine_bugs"), std::string::npos);
  EXPECT_FALSE(VerdictIsSuccess(verdict));
}

TEST(VerdictTest, InterruptedAndSetupFailuresAreErrors) {
  ScenarioResult setup;
  setup.runner_failures.push_back({RunnerFailure::Kind::kSetup, "diofs did not mount"});
  EXPECT_EQ(DecideVerdict(setup, {}, Qemu("")), std::make_pair(Verdict::kError, std::string("not run: diofs did not mount")));
  EXPECT_EQ(DecideVerdict(WithChecks({}), kShortWriteBug, {"qemu", "10.0.2", true, "signal 2 (SIGINT)"}).first,
            Verdict::kError);
}

}  // namespace
}  // namespace dioh
