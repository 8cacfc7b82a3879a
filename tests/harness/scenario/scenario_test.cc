#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

Scenario WithDirectIo(bool mapped_ram, bool multifd) {
  Scenario scenario;
  scenario.capabilities = {{"mapped-ram", mapped_ram}, {"multifd", multifd}};
  scenario.parameters = {{"direct-io", true}, {"multifd-channels", 4}};
  return scenario;
}

TEST(ScenarioTest, DirectIoIsEffectiveOnlyWithMappedRamAndMultifd) {
  EXPECT_TRUE(DirectIoEffective(WithDirectIo(true, true)));
  EXPECT_EQ(DirectIoNotEffectiveReason(WithDirectIo(true, true)), "");
  EXPECT_FALSE(DirectIoEffective(WithDirectIo(true, false)));
  EXPECT_EQ(DirectIoNotEffectiveReason(WithDirectIo(true, false)), "multifd is off");
  EXPECT_FALSE(DirectIoEffective(WithDirectIo(false, true)));
  EXPECT_EQ(DirectIoNotEffectiveReason(WithDirectIo(false, true)), "mapped-ram is off");
  EXPECT_EQ(DirectIoNotEffectiveReason(WithDirectIo(false, false)), "mapped-ram and multifd are off");
}

TEST(ScenarioTest, DirectIoOffOrAbsentIsNeitherEffectiveNorExplained) {
  Scenario off = WithDirectIo(true, true);
  off.parameters["direct-io"] = false;
  EXPECT_FALSE(DirectIoRequested(off));
  EXPECT_FALSE(DirectIoEffective(off));
  EXPECT_EQ(DirectIoNotEffectiveReason(off), "");
  Scenario absent;
  absent.capabilities = {{"mapped-ram", true}, {"multifd", true}};
  EXPECT_FALSE(DirectIoEffective(absent));
  EXPECT_EQ(DirectIoNotEffectiveReason(absent), "");
}

TEST(ScenarioTest, TotalRamBytesSumsTheBlocks) {
  GuestSetup guest;
  EXPECT_EQ(guest.TotalRamBytes(), 256u << 20);
  guest.ram = "pc.ram=1G,vga.vram=16M,rom=64K";
  EXPECT_EQ(guest.TotalRamBytes(), (1ull << 30) + (16u << 20) + (64u << 10));
  guest.ram = "nonsense";
  EXPECT_EQ(guest.TotalRamBytes(), 0u);
}

TEST(ScenarioTest, OutcomeTextAndFileSubstitution) {
  const ExpectedOutcome completed;
  EXPECT_EQ(completed.ToString(), "completed");
  const ExpectedOutcome failed{ExpectedOutcome::Status::kFailed, "Could not open '{file}': no"};
  EXPECT_EQ(failed.ToString(), "failed: Could not open '{file}': no");
  EXPECT_EQ(failed.ErrorFor("/tmp/x/mnt/guest.img"), "Could not open '/tmp/x/mnt/guest.img': no");
}

TEST(ScenarioTest, OutcomeMatchesStatusAndMessage) {
  const ExpectedOutcome completed;
  EXPECT_TRUE(completed.Matches("completed", "", "/f"));
  EXPECT_FALSE(completed.Matches("failed", "boom", "/f"));
  const ExpectedOutcome failed{ExpectedOutcome::Status::kFailed, "Could not open '{file}': x"};
  EXPECT_TRUE(failed.Matches("failed", "Could not open '/m/f': x", "/m/f"));
  EXPECT_FALSE(failed.Matches("failed", "Could not open '/m/g': x", "/m/f"));
  EXPECT_FALSE(failed.Matches("completed", "", "/m/f"));
  EXPECT_FALSE(failed.Matches("timeout", "Could not open '/m/f': x", "/m/f"));
}

TEST(ScenarioTest, WildcardMatchesAnyRunAndNothingElse) {
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
