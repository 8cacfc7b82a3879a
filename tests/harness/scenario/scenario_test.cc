#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dioh {
namespace {

Scenario WithDirectIo(bool mapped_ram, bool multifd) {
  Scenario scenario;
  scenario.capabilities = {{"mapped-ram", mapped_ram}, {"multifd", multifd}};
  scenario.parameters = nlohmann::json{{"direct-io", true}, {"multifd-channels", 4}};
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
  off.parameters.json()["direct-io"] = false;
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

TEST(ScenarioTest, ParameterReadersFallBackToQemuDefaults) {
  Scenario scenario;
  EXPECT_EQ(MultifdChannels(scenario), 2u);
  EXPECT_EQ(ZeroPageDetection(scenario), "multifd");
  scenario.parameters = nlohmann::json{{"multifd-channels", 7}, {"zero-page-detection", "legacy"}};
  EXPECT_EQ(MultifdChannels(scenario), 7u);
  EXPECT_EQ(ZeroPageDetection(scenario), "legacy");
}

}  // namespace
}  // namespace dioh
