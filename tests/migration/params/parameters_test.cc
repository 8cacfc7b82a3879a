#include "migration/params/parameters.h"

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

TEST(ParametersTest, QemuDefaults) {
  MigrationParameters p;
  EXPECT_EQ(p.multifd_channels, 2u);
  EXPECT_EQ(p.zero_page_detection, model::ZeroPageDetection::kMultifd);
  EXPECT_EQ(p.max_bandwidth, 128u << 20);
  EXPECT_FALSE(p.direct_io);
  EXPECT_TRUE(p.x_inject.empty());
  EXPECT_TRUE(CheckParameters(p, CapabilitySet{}, true).ok());
}

TEST(ParametersTest, EveryParameterReadsBackWhatIsSet) {
  for (const ParamSpec& spec : ParameterSpecs()) {
    MigrationParameters p;
    const ParamValue before = GetParameter(p, spec);
    ParamValue changed = before;
    if (auto* number = std::get_if<std::uint64_t>(&changed)) *number += 1;
    if (auto* flag = std::get_if<bool>(&changed)) *flag = !*flag;
    if (auto* text = std::get_if<std::string>(&changed)) {
      *text = spec.choices.empty() ? "x" : std::string(spec.choices[0] == *text ? spec.choices[1] : spec.choices[0]);
    }
    if (auto* list = std::get_if<std::vector<std::string>>(&changed)) list->push_back("zero-pages-in-bitmap");
    ASSERT_TRUE(SetParameter(p, spec, changed).ok()) << spec.name;
    EXPECT_EQ(GetParameter(p, spec), changed) << spec.name;
    EXPECT_NE(GetParameter(p, spec), before) << spec.name;
  }
}

TEST(ParametersTest, EnumAndInjectNamesAreValidated) {
  MigrationParameters p;
  EXPECT_EQ(SetParameter(p, *FindParameter("zero-page-detection"), std::string("sometimes")).message(),
            "Parameter 'zero-page-detection' does not accept value 'sometimes'");
  EXPECT_EQ(SetParameter(p, *FindParameter("x-inject"), std::vector<std::string>{"no-such-bug"}).message(),
            "Parameter 'x-inject' does not accept value 'no-such-bug'");
  ASSERT_TRUE(SetParameter(p, *FindParameter("x-inject"),
                           std::vector<std::string>{"ungated-direct-io"}).ok());
  EXPECT_EQ(p.x_inject, model::InjectedBugs{model::InjectedBug::kUngatedDirectIo});
  ASSERT_TRUE(SetParameter(p, *FindParameter("x-inject"), std::vector<std::string>{"stale-zero-bits"}).ok());
  EXPECT_EQ(p.x_inject, model::InjectedBugs{model::InjectedBug::kZeroPagesInBitmap});
  EXPECT_EQ(GetParameter(p, *FindParameter("x-inject")), ParamValue(std::vector<std::string>{"zero-pages-in-bitmap"}));
}

TEST(ParametersTest, ChecksWithQemuMessages) {
  CapabilitySet none;
  MigrationParameters p;
  p.multifd_channels = 0;
  EXPECT_EQ(CheckParameters(p, none, true).message(),
            "Parameter 'multifd_channels' expects a value between 1 and 255");
  p = {};
  p.xbzrle_cache_size = 5000;
  EXPECT_EQ(CheckParameters(p, none, true).message(),
            "Parameter 'xbzrle_cache_size' expects a power of two no less than the target page size");
  p = {};
  p.max_cpu_throttle = 10;
  EXPECT_EQ(CheckParameters(p, none, true).message(),
            "Parameter 'max_cpu_throttle' expects an integer in the range of cpu_throttle_initial to 99");
  p = {};
  p.downtime_limit = 2000001;
  EXPECT_EQ(CheckParameters(p, none, true).message(),
            "Parameter 'downtime_limit' expects an integer in the range of 0 to (2000 * 1000) ms");
  p = {};
  p.multifd_qatzip_level = 0;  // QEMU 10.0.2: 1 to 9, 0 refused
  EXPECT_EQ(CheckParameters(p, none, true).message(),
            "Parameter 'multifd_qatzip_level' expects a value between 1 and 9");
  p = {};
  p.tls_creds = "tls0";
  CapabilitySet mapped_ram;
  mapped_ram.set(Capability::kMappedRam, true);
  EXPECT_EQ(CheckParameters(p, mapped_ram, true).message(),
            "Mapped-ram only available for non-compressed non-TLS multifd migration");
}

TEST(ParametersTest, DirectIoNeedsBuildSupport) {
  MigrationParameters p;
  p.direct_io = true;
  EXPECT_TRUE(CheckParameters(p, CapabilitySet{}, true).ok());
  EXPECT_EQ(CheckParameters(p, CapabilitySet{}, false).message(), "No build-time support for direct-io");
  p.direct_io = false;
  EXPECT_TRUE(CheckParameters(p, CapabilitySet{}, false).ok());
}

}  // namespace
}  // namespace mrm::params
