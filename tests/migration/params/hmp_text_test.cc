#include "migration/params/hmp_text.h"

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

// MAPPED-RAM.md, "What a real QEMU shows": QEMU 10.2 after direct-io on,
// 2 channels and max-bandwidth 0.
constexpr const char* kQemuListing =
    "announce-initial: 50 ms\n"
    "announce-max: 550 ms\n"
    "announce-rounds: 5\n"
    "announce-step: 100 ms\n"
    "throttle-trigger-threshold: 50\n"
    "cpu-throttle-initial: 20\n"
    "cpu-throttle-increment: 10\n"
    "cpu-throttle-tailslow: off\n"
    "max-cpu-throttle: 99\n"
    "tls-creds: ''\n"
    "tls-hostname: ''\n"
    "tls-authz: ''\n"
    "max-bandwidth: 0 bytes/second\n"
    "avail-switchover-bandwidth: 0 bytes/second\n"
    "max-postcopy-bandwidth: 0 bytes/second\n"
    "downtime-limit: 300 ms\n"
    "x-checkpoint-delay: 20000 ms\n"
    "multifd-channels: 2\n"
    "multifd-compression: none\n"
    "zero-page-detection: multifd\n"
    "xbzrle-cache-size: 67108864 bytes\n"
    "x-vcpu-dirty-limit-period: 1000 ms\n"
    "vcpu-dirty-limit: 1 MB/s\n"
    "mode: normal\n"
    "direct-io: on\n"
    "cpr-exec-command:\n";

TEST(HmpTextTest, InfoMigrateParametersMatchesQemu) {
  MigrationConfig config;
  for (auto [name, value] : {std::pair{"direct-io", "on"}, {"multifd-channels", "2"}, {"max-bandwidth", "0"}}) {
    auto change = ParseHmpParameter(name, value);
    ASSERT_TRUE(change.ok()) << name;
    ASSERT_TRUE(config.SetParameters({*change}).ok()) << name;
  }
  EXPECT_EQ(InfoMigrateParametersText(config.parameters()), kQemuListing);
  ASSERT_TRUE(config.SetParameters({*ParseHmpParameter("direct-io", "off")}).ok());
  EXPECT_NE(InfoMigrateParametersText(config.parameters()).find("\ndirect-io: off\n"), std::string::npos);
}

TEST(HmpTextTest, InfoMigrateCapabilities) {
  CapabilitySet caps;
  caps.set(Capability::kMultifd, true);
  const std::string text = InfoMigrateCapabilitiesText(caps);
  EXPECT_EQ(text.substr(0, 15), "xbzrle: off\nrdm");
  EXPECT_NE(text.find("\nmultifd: on\n"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 16), "mapped-ram: off\n");
}

TEST(HmpTextTest, SetParameterValuesAsHmpReadsThem) {
  EXPECT_EQ(std::get<std::uint64_t>(ParseHmpParameter("max-bandwidth", "100")->value), 100u << 20);
  EXPECT_EQ(std::get<std::uint64_t>(ParseHmpParameter("max-bandwidth", "1G")->value), 1u << 30);
  EXPECT_EQ(std::get<std::uint64_t>(ParseHmpParameter("xbzrle-cache-size", "1M")->value), 1u << 20);
  EXPECT_TRUE(std::get<bool>(ParseHmpParameter("direct-io", "yes")->value));
  EXPECT_EQ(std::get<std::vector<std::string>>(ParseHmpParameter("x-inject", "ungated-direct-io,zero-pages-in-bitmap")->value).size(), 2u);
  EXPECT_EQ(ParseHmpParameter("direct-io", "maybe").status().message(),
            "Invalid parameter type for 'direct-io', expected: boolean");
  EXPECT_EQ(ParseHmpParameter("multifd-channels", "300").status().message(),
            "Parameter 'multifd-channels' expects uint8_t");
  EXPECT_EQ(ParseHmpParameter("multifd-channels", "two").status().message(),
            "Parameter 'multifd-channels' expects uint64");
  EXPECT_EQ(ParseHmpParameter("max-bandwidth", "fast").status().message(), "Invalid size fast");
  EXPECT_EQ(ParseHmpParameter("no-such", "1").status().message(), "invalid parameter value: no-such");
}

TEST(HmpTextTest, SetCapability) {
  auto change = ParseHmpCapability("mapped-ram", "on");
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->capability, Capability::kMappedRam);
  EXPECT_TRUE(change->enabled);
  EXPECT_EQ(ParseHmpCapability("mapped-ram", "yes").status().message(), "Expected 'on' or 'off'");
  EXPECT_EQ(ParseHmpCapability("fixed-ram", "on").status().message(), "invalid parameter value: fixed-ram");
}

}  // namespace
}  // namespace mrm::params
