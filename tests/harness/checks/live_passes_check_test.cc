#include <gtest/gtest.h>

#include "harness/checks/check_functions.h"
#include "tests/harness/checks/check_test_util.h"

namespace dioh::checks {
namespace {

using testing::BaseInput;

CheckInput LiveInput(std::uint32_t passes) {
  CheckInput in = BaseInput(nullptr);
  in.facts.passes = passes;
  in.save = {MigrationEnd::kCompleted, ""};
  return in;
}

TEST(LivePasses, OnlyALiveSaveThatCompletedIsJudged) {
  EXPECT_EQ(CheckLivePasses(LiveInput(1)).detail, "not a live save (passes 1)");
  CheckInput failed = LiveInput(3);
  failed.save = {MigrationEnd::kFailed, "boom"};
  EXPECT_EQ(CheckLivePasses(failed).status, CheckStatus::kSkip);
  EXPECT_EQ(CheckLivePasses(LiveInput(3)).detail, "the engine reported no ram.dirty-sync-count in query-migrate");
}

// mrmigrate: no switchover cut, only query-migrate's count.
TEST(LivePasses, TheEnginesCountMustReachThePasses) {
  CheckInput in = LiveInput(3);
  in.save.dirty_syncs = 3;
  EXPECT_EQ(CheckLivePasses(in).status, CheckStatus::kPass);
  in.save.dirty_syncs = 2;
  const CheckResult r = CheckLivePasses(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "the engine reported 2 dirty syncs, fewer than the 3 passes the scenario asks for");
}

// QEMU: the syncs before the harness's cut at pre-switchover count.
TEST(LivePasses, AQemuThatConvergedEarlyIsNotPassed) {
  CheckInput in = LiveInput(3);
  in.save.dirty_syncs = 5;
  in.save.syncs_at_switchover = 4;
  const CheckResult pass = CheckLivePasses(in);
  EXPECT_EQ(pass.status, CheckStatus::kPass);
  EXPECT_EQ(pass.detail, "4 dirty syncs before the switchover, at least the 3 passes the scenario asks for: model "
                         "passes 1..2 each written after a sync, 5 in all");
  in.save.syncs_at_switchover = 2;
  in.save.passes_written_at_switchover = 1;
  const CheckResult early = CheckLivePasses(in);
  EXPECT_EQ(early.status, CheckStatus::kSkip);
  EXPECT_NE(early.detail.find("QEMU converged after 2 dirty syncs"), std::string::npos);
  EXPECT_NE(early.detail.find("the last 1 of the 2 model passes after the first were written at the switchover"),
            std::string::npos);
  // Many syncs, yet a pass written late (a loaded harness): not "fewer than".
  in.save.syncs_at_switchover = 1453;
  const CheckResult late = CheckLivePasses(in);
  EXPECT_EQ(late.status, CheckStatus::kSkip);
  EXPECT_EQ(late.detail.find("fewer than"), std::string::npos) << late.detail;
  EXPECT_NE(late.detail.find("QEMU made 1453 dirty syncs, but the harness had not written every pass between two"),
            std::string::npos)
      << late.detail;
}

}  // namespace
}  // namespace dioh::checks
