#include "harness/scenario/regression_scenarios.h"

#include <set>

#include <gtest/gtest.h>

#include "fs/sim/fault_plan.h"
#include "migration/params/param_json.h"

namespace dioh {
namespace {

TEST(RegressionScenariosTest, OneCasePerInjectedBugInOrder) {
  const std::vector<RegressionCase> cases = RegressionScenarios();
  ASSERT_EQ(cases.size(), migration::kInjectedBugCount);
  std::set<std::string> names;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].bug_name);
    EXPECT_EQ(cases[i].bug, static_cast<migration::InjectedBug>(i));
    EXPECT_EQ(cases[i].bug_name, migration::InjectedBugName(cases[i].bug));
    EXPECT_EQ(cases[i].clean.name, "regress-" + cases[i].bug_name);
    EXPECT_TRUE(names.insert(cases[i].clean.name).second);
    EXPECT_FALSE(cases[i].shows_as.empty());
    EXPECT_FALSE(cases[i].clean.parameters.contains("x-inject"));
    EXPECT_TRUE(cases[i].clean.expect.has_value());
  }
}

// What the scenarios ask of the engine is what QEMU would accept.
TEST(RegressionScenariosTest, ParametersAndFaultsAreValid) {
  for (const RegressionCase& c : RegressionScenarios()) {
    SCOPED_TRACE(c.bug_name);
    const Scenario injected = WithInjectedBug(c);
    auto changes = migration::ParseSetParametersArguments(migration::Json::parse(injected.parameters.dump()));
    EXPECT_TRUE(changes.ok()) << changes.status().message();
    if (!c.clean.diofs.faults.is_null()) {
      auto plan = diofs::sim::FaultPlan::Parse(c.clean.diofs.faults.dump());
      EXPECT_TRUE(plan.ok()) << plan.status().message();
    }
  }
}

// Without faults, the clean outcome is the one the profile's rules imply.
TEST(RegressionScenariosTest, CleanOutcomeAgreesWithTheProfileRules) {
  for (const RegressionCase& c : RegressionScenarios()) {
    SCOPED_TRACE(c.bug_name);
    if (!c.clean.diofs.faults.is_null()) continue;
    auto profile = diofs::ProfileByName(c.clean.diofs.profile);
    ASSERT_TRUE(profile.ok());
    EXPECT_EQ(DeriveExpectedOutcome(c.clean, *profile).ToString(), c.clean.expect->ToString());
  }
}

TEST(RegressionScenariosTest, SettingsThatLetEachBugShow) {
  const std::vector<RegressionCase> cases = RegressionScenarios();
  auto of = [&](migration::InjectedBug bug) { return cases[static_cast<std::size_t>(bug)].clean; };
  // Ungated direct-io needs direct-io requested but not effective.
  EXPECT_EQ(DirectIoNotEffectiveReason(of(migration::InjectedBug::kUngatedDirectIo)), "multifd is off");
  // Every other bug needs it effective.
  for (const RegressionCase& c : cases) {
    if (c.bug != migration::InjectedBug::kUngatedDirectIo) {
      EXPECT_TRUE(DirectIoEffective(c.clean)) << c.bug_name;
    }
  }
  EXPECT_TRUE(of(migration::InjectedBug::kMisalignedPageBuffers).preload);
  EXPECT_GT(of(migration::InjectedBug::kZeroPagesInBitmap).guest.passes, 1u);
  EXPECT_GT(of(migration::InjectedBug::kZeroPagesInBitmap).guest.dirty_fraction, 0);
  EXPECT_GT(of(migration::InjectedBug::kTruncatePrefix).uri_offset, 0u);
  // Relative rounding differs from absolute only when offset= is not 1 MiB aligned.
  EXPECT_NE(of(migration::InjectedBug::kRelativeRounding).uri_offset % (1 << 20), 0u);
  const Scenario short_writes = of(migration::InjectedBug::kIgnoreShortWrites);
  EXPECT_EQ(short_writes.expect->status, ExpectedOutcome::Status::kFailed);
  EXPECT_TRUE(short_writes.expect->Matches(
      "failed", "multifd send (0): short write of 0x1000 of 0x80000 bytes at 0x380000 (ramblock pc.ram)", "/g"));
}

TEST(RegressionScenariosTest, InjectingAddsTheBugAndDropsTheExpectation) {
  const RegressionCase c = RegressionScenarios().front();
  const Scenario injected = WithInjectedBug(c);
  EXPECT_EQ(injected.parameters["x-inject"], nlohmann::json::array({c.bug_name}));
  EXPECT_FALSE(injected.expect.has_value());
  EXPECT_EQ(injected.name, c.clean.name);
  EXPECT_EQ(migration::InjectedBugFromName(c.bug_name), c.bug);
}

}  // namespace
}  // namespace dioh
