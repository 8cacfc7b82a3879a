#include "migration/params/capabilities.h"

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

TEST(CapabilitiesTest, NamesRoundTripInQemuOrder) {
  EXPECT_EQ(CapabilityName(Capability::kXbzrle), "xbzrle");
  EXPECT_EQ(CapabilityName(Capability::kMappedRam), "mapped-ram");
  for (std::size_t i = 0; i < kCapabilityCount; ++i) {
    const auto capability = static_cast<Capability>(i);
    EXPECT_EQ(CapabilityFromName(CapabilityName(capability)), capability);
  }
  EXPECT_FALSE(CapabilityFromName("fixed-ram").has_value());
}

TEST(CapabilitiesTest, AllOffByDefault) {
  CapabilitySet caps;
  for (std::size_t i = 0; i < kCapabilityCount; ++i) EXPECT_FALSE(caps.enabled(static_cast<Capability>(i)));
  EXPECT_TRUE(CheckCapabilities(caps, false, false).ok());
}

dioh::Status CheckWith(std::initializer_list<Capability> on) {
  CapabilitySet caps;
  for (Capability c : on) caps.set(c, true);
  return CheckCapabilities(caps, false, false);
}

TEST(CapabilitiesTest, MappedRamConflictsWithQemuTexts) {
  EXPECT_EQ(CheckWith({Capability::kMappedRam, Capability::kXbzrle}).message(),
            "Mapped-ram migration is incompatible with xbzrle");
  EXPECT_EQ(CheckWith({Capability::kMappedRam, Capability::kPostcopyRam}).message(),
            "Mapped-ram migration is incompatible with postcopy");
  EXPECT_TRUE(CheckWith({Capability::kMappedRam, Capability::kMultifd}).ok());
}

TEST(CapabilitiesTest, OtherConflictsInQemuOrder) {
  EXPECT_EQ(CheckWith({Capability::kMultifd, Capability::kXbzrle}).message(),
            "Multifd is not compatible with xbzrle");
  // postcopy-ram + multifd is reported before mapped-ram's own rule, as in QEMU.
  EXPECT_EQ(CheckWith({Capability::kMappedRam, Capability::kPostcopyRam, Capability::kMultifd}).message(),
            "Postcopy is not yet compatible with multifd");
  EXPECT_EQ(CheckWith({Capability::kPostcopyPreempt}).message(), "Postcopy preempt requires postcopy-ram");
  EXPECT_EQ(CheckWith({Capability::kSwitchoverAck}).message(),
            "Capability 'switchover-ack' requires capability 'return-path'");
  EXPECT_EQ(CheckWith({Capability::kZeroCopySend}).message(),
            "Zero copy only available for non-compressed non-TLS multifd migration");
  EXPECT_TRUE(CheckWith({Capability::kZeroCopySend, Capability::kMultifd}).ok());
}

}  // namespace
}  // namespace mrm::params
