#include "harness/scenario/outcome.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

TEST(OutcomeTest, ExpectedOutcomeTextAndFileSubstitution) {
  const ExpectedOutcome completed;
  EXPECT_EQ(completed.ToString(), "completed");
  const ExpectedOutcome failed = ExpectedOutcome::Failure("Could not open '{file}': no");
  EXPECT_EQ(failed.ToString(), "failed: Could not open '{file}': no");
  EXPECT_EQ(failed.ToString("/m/f"), "failed: Could not open '/m/f': no");
  EXPECT_EQ(failed.ErrorFor("/tmp/x/mnt/guest.img"), "Could not open '/tmp/x/mnt/guest.img': no");
}

TEST(OutcomeTest, ExpectedOutcomeMatchesEndAndMessage) {
  const ExpectedOutcome completed;
  EXPECT_TRUE(completed.Matches({MigrationEnd::kCompleted, ""}, "/f"));
  EXPECT_FALSE(completed.Matches({MigrationEnd::kFailed, "boom"}, "/f"));
  const ExpectedOutcome failed = ExpectedOutcome::Failure("Could not open '{file}': x");
  EXPECT_TRUE(failed.Matches({MigrationEnd::kFailed, "Could not open '/m/f': x"}, "/m/f"));
  EXPECT_FALSE(failed.Matches({MigrationEnd::kFailed, "Could not open '/m/g': x"}, "/m/f"));
  EXPECT_FALSE(failed.Matches({MigrationEnd::kCompleted, ""}, "/m/f"));
  EXPECT_FALSE(failed.Matches({MigrationEnd::kTimeout, "Could not open '/m/f': x"}, "/m/f"));
}

TEST(OutcomeTest, EachEngineIsHeldToItsOwnText) {
  ExpectedOutcome failed;
  failed.status = ExpectedOutcome::Status::kFailed;
  failed.error = "for all";
  EXPECT_EQ(failed.ForEngine("qemu")->error, "for all");
  failed.error_by_engine = {{"qemu", "Unable to write to file: *"}};
  const std::optional<ExpectedOutcome> qemu = failed.ForEngine("qemu");
  ASSERT_TRUE(qemu.has_value());
  EXPECT_TRUE(qemu->error_by_engine.empty());
  EXPECT_TRUE(qemu->Matches({MigrationEnd::kFailed, "Unable to write to file: Invalid argument"}, "/f"));
  EXPECT_FALSE(qemu->Matches({MigrationEnd::kFailed, "for all"}, "/f"));
  EXPECT_FALSE(failed.ForEngine("mrmigrate").has_value());
  EXPECT_EQ(failed.ToString(), "failed: qemu: Unable to write to file: *");  // unresolved: every text
  EXPECT_FALSE(failed.Matches({MigrationEnd::kFailed, "Unable to write to file: x"}, "/f"));
}

TEST(OutcomeTest, EndsHaveQemuAndHarnessNames) {
  EXPECT_EQ(MigrationEndName(MigrationEnd::kCompleted), "completed");
  EXPECT_EQ(MigrationEndName(MigrationEnd::kFailed), "failed");
  EXPECT_EQ(MigrationEndName(MigrationEnd::kCancelled), "cancelled");
  EXPECT_EQ(MigrationEndName(MigrationEnd::kTimeout), "timeout");
  EXPECT_EQ(MigrationEndName(MigrationEnd::kEngineDied), "engine-died");
  EXPECT_EQ(MigrationEndName(MigrationEnd::kInterrupted), "interrupted");
}

TEST(OutcomeTest, OnlyQemusFinalStatusesEndAMigration) {
  EXPECT_EQ(FinalMigrationStatus("completed"), MigrationEnd::kCompleted);
  EXPECT_EQ(FinalMigrationStatus("failed"), MigrationEnd::kFailed);
  EXPECT_EQ(FinalMigrationStatus("cancelled"), MigrationEnd::kCancelled);
  for (const char* passing : {"setup", "active", "device", "cancelling", "timeout", ""}) {
    EXPECT_FALSE(FinalMigrationStatus(passing).has_value()) << passing;
  }
}

TEST(OutcomeTest, MigrationOutcomeTextNamesTheEndAndTheError) {
  EXPECT_EQ((MigrationOutcome{MigrationEnd::kCompleted, "", 1.5}).ToString(), "completed");
  EXPECT_EQ((MigrationOutcome{MigrationEnd::kTimeout, "migrate: no answer", 0}).ToString(), "timeout: migrate: no answer");
  EXPECT_EQ((MigrationOutcome{MigrationEnd::kEngineDied, "source engine: gone", 0}).ToString(),
            "engine-died: source engine: gone");
  MigrationOutcome crashed{MigrationEnd::kEngineCrashed, "signal 11 (SIGSEGV) after failed: x", 0};
  crashed.engine_output = "line 1\nline 2";
  EXPECT_EQ(crashed.ToString(), "engine-crashed: signal 11 (SIGSEGV) after failed: x; its last output:\nline 1\nline 2");
}

TEST(OutcomeTest, WildcardMatchesAnyRunAndNothingElse) {
  EXPECT_TRUE(MatchesWildcard("", ""));
  EXPECT_FALSE(MatchesWildcard("", "a"));
  EXPECT_TRUE(MatchesWildcard("*", ""));
  EXPECT_TRUE(MatchesWildcard("a*c", "abbbc"));
  EXPECT_TRUE(MatchesWildcard("a*c", "ac"));
  EXPECT_FALSE(MatchesWildcard("a*c", "abcd"));
  EXPECT_TRUE(MatchesWildcard("send (*): at 0x* (ramblock *): x", "send (3): at 0x1f000 (ramblock pc.ram): x"));
  EXPECT_FALSE(MatchesWildcard("send (*): at 0x*", "send (3): at 1f000"));
  // Only '*' is special: '?' and '[' are themselves.
  EXPECT_TRUE(MatchesWildcard("a?[b]", "a?[b]"));
  EXPECT_FALSE(MatchesWildcard("a?", "ab"));
  // Backtracking past an early false match of the text after '*'.
  EXPECT_TRUE(MatchesWildcard("*ab", "aab"));
  EXPECT_TRUE(MatchesWildcard("x*y*z", "xyyzyz"));
}

}  // namespace
}  // namespace dioh
