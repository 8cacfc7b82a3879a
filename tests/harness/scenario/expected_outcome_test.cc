#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fs/core/profile.h"
#include "harness/scenario/scenario.h"

namespace dioh {
namespace {

constexpr const char* kNoODirect = "Could not open '{file}': filesystem does not support O_DIRECT";
constexpr const char* kPageWriteRejected =
    "Unable to write to file: Invalid argument";

Scenario DirectIo(bool mapped_ram, bool multifd) {
  Scenario scenario;
  scenario.guest.ram = "pc.ram=16M";
  scenario.capabilities = {{"mapped-ram", mapped_ram}, {"multifd", multifd}};
  scenario.parameters = nlohmann::json{{"direct-io", true}, {"multifd-channels", 4}};
  return scenario;
}

diofs::Profile Preset(const std::string& name) {
  auto profile = diofs::ProfileByName(name);
  EXPECT_TRUE(profile.ok()) << name;
  return profile.ok() ? *profile : diofs::Profile{};
}

// What each preset implies for effective direct-io on a 16 MiB guest with
// half its pages zero: only the no-O_DIRECT and the 64 KiB profiles fail.
TEST(ExpectedOutcomeTest, EffectiveDirectIoOverEveryPreset) {
  const Scenario scenario = DirectIo(true, true);
  for (const diofs::Profile& profile : diofs::ProfilePresets()) {
    SCOPED_TRACE(profile.name);
    const ExpectedOutcome outcome = DeriveExpectedOutcome(scenario, profile);
    if (profile.odirect == diofs::ODirectAtOpen::kReject) {
      EXPECT_EQ(outcome.ToString(), std::string("failed: ") + kNoODirect);
    } else if (profile.dio_align.bytes() > 4096) {
      EXPECT_EQ(outcome.ToString(), std::string("failed: ") + kPageWriteRejected);
    } else {
      EXPECT_EQ(outcome.ToString(), "completed");
    }
  }
  // The loop above must have met both failing kinds.
  EXPECT_EQ(DeriveExpectedOutcome(scenario, Preset("no-odirect")).error, kNoODirect);
  EXPECT_EQ(DeriveExpectedOutcome(scenario, Preset("strict-64k")).error, kPageWriteRejected);
}

TEST(ExpectedOutcomeTest, IneffectiveDirectIoCompletesOnEveryPreset) {
  for (const Scenario& scenario : {DirectIo(true, false), DirectIo(false, true), DirectIo(false, false)}) {
    for (const diofs::Profile& profile : diofs::ProfilePresets()) {
      SCOPED_TRACE(profile.name + " / " + DirectIoNotEffectiveReason(scenario));
      EXPECT_EQ(DeriveExpectedOutcome(scenario, profile).ToString(), "completed");
    }
  }
}

TEST(ExpectedOutcomeTest, NoBuildSupportFailsWheneverDirectIoIsSet) {
  for (const bool multifd : {true, false}) {
    Scenario scenario = DirectIo(true, multifd);
    scenario.no_direct_io_build = true;
    for (const diofs::Profile& profile : diofs::ProfilePresets()) {
      SCOPED_TRACE(profile.name);
      EXPECT_EQ(DeriveExpectedOutcome(scenario, profile).ToString(), "failed: No build-time support for direct-io");
    }
  }
  Scenario off = DirectIo(true, true);
  off.no_direct_io_build = true;
  off.parameters.json()["direct-io"] = false;
  EXPECT_EQ(DeriveExpectedOutcome(off, Preset("strict-4k")).ToString(), "completed");
}

TEST(ExpectedOutcomeTest, RecordedViolationsLetTheSaveComplete) {
  Scenario scenario = DirectIo(true, true);
  scenario.diofs.on_violation = "record";
  EXPECT_EQ(DeriveExpectedOutcome(scenario, Preset("strict-64k")).ToString(), "completed");
  // Refusing O_DIRECT at open is not a recorded violation.
  EXPECT_EQ(DeriveExpectedOutcome(scenario, Preset("no-odirect")).error, kNoODirect);
}

// On 64 KiB storage only the shape of the page writes decides: all-data
// pages go out as 512 KiB runs at 1 MiB-aligned regions, which 64 KiB divides.
TEST(ExpectedOutcomeTest, SixtyFourKiBDependsOnThePageWrites) {
  const diofs::Profile strict64k = Preset("strict-64k");
  Scenario all_data = DirectIo(true, true);
  all_data.guest.zero_fraction = 0;
  EXPECT_EQ(DeriveExpectedOutcome(all_data, strict64k).ToString(), "completed");
  Scenario all_zero = DirectIo(true, true);
  all_zero.guest.zero_fraction = 1;
  EXPECT_EQ(DeriveExpectedOutcome(all_zero, strict64k).ToString(), "completed");
  // A block that ends off a 64 KiB boundary ends with a short run.
  Scenario odd_block = all_data;
  odd_block.guest.ram = "pc.ram=16M,rom=12K";
  EXPECT_EQ(DeriveExpectedOutcome(odd_block, strict64k).error, kPageWriteRejected);
  // A live pass rewrites scattered dirty pages one run at a time.
  Scenario live = all_data;
  live.guest.passes = 2;
  live.guest.dirty_fraction = 0.1;
  EXPECT_EQ(DeriveExpectedOutcome(live, strict64k).error, kPageWriteRejected);
  // zero-page-detection none writes zero pages too: all runs are whole again.
  Scenario no_detection = DirectIo(true, true);
  no_detection.parameters.json()["zero-page-detection"] = "none";
  EXPECT_EQ(DeriveExpectedOutcome(no_detection, strict64k).ToString(), "completed");
}

}  // namespace
}  // namespace dioh
