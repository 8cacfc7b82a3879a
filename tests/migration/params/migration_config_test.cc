#include "migration/params/migration_config.h"

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

ParameterChange Change(const char* name, ParamValue value) { return {FindParameter(name), std::move(value)}; }

TEST(MigrationConfigTest, DirectIoGatingTable) {
  int effective_count = 0;
  for (int bits = 0; bits < 8; ++bits) {
    const bool direct_io = bits & 1, mapped_ram = bits & 2, multifd = bits & 4;
    MigrationConfig config;
    ASSERT_TRUE(config.SetParameters({Change("direct-io", direct_io)}).ok());
    ASSERT_TRUE(config.SetCapabilities({{Capability::kMappedRam, mapped_ram},
                                        {Capability::kMultifd, multifd}}).ok());
    EXPECT_EQ(config.parameters().direct_io, direct_io);  // accepted even when ineffective
    const bool expected = direct_io && mapped_ram && multifd;
    EXPECT_EQ(config.direct_io().effective(), expected) << direct_io << mapped_ram << multifd;
    EXPECT_EQ(config.direct_io().requested(), direct_io);
    effective_count += config.direct_io().effective();
  }
  EXPECT_EQ(effective_count, 1);
}

TEST(MigrationConfigTest, NoBuildSupportChangesNothing) {
  MigrationConfig config(BuildFeatures{.direct_io = false});
  const MigrationParameters before = config.parameters();
  const dioh::Status status = config.SetParameters({Change("multifd-channels", std::uint64_t{8}),
                                              Change("direct-io", true)});
  EXPECT_EQ(status.message(), "No build-time support for direct-io");
  EXPECT_EQ(config.parameters(), before);
  EXPECT_TRUE(config.SetParameters({Change("direct-io", false)}).ok());
}

TEST(MigrationConfigTest, AFailedSetAppliesNothing) {
  MigrationConfig config;
  EXPECT_FALSE(config.SetParameters({Change("multifd-channels", std::uint64_t{4}),
                                     Change("multifd-channels", std::uint64_t{0})}).ok());
  EXPECT_EQ(config.parameters().multifd_channels, 2u);
  ASSERT_TRUE(config.SetCapabilities({{Capability::kMappedRam, true}}).ok());
  EXPECT_EQ(config.SetCapabilities({{Capability::kMultifd, true}, {Capability::kXbzrle, true}}).message(),
            "Multifd is not compatible with xbzrle");
  EXPECT_FALSE(config.capabilities().enabled(Capability::kMultifd));
  EXPECT_TRUE(config.capabilities().enabled(Capability::kMappedRam));
}

TEST(MigrationConfigTest, TransportRules) {
  MigrationConfig config;
  const MigrationUri file{Transport::kFile, "/tmp/x", 0};
  const MigrationUri exec{Transport::kExec, "cat", 0};
  EXPECT_TRUE(config.CheckTransport(file).ok());
  ASSERT_TRUE(config.SetCapabilities({{Capability::kMultifd, true}}).ok());
  EXPECT_EQ(config.CheckTransport(file).message(), "Migration requires multi-channel URIs (e.g. tcp)");
  ASSERT_TRUE(config.SetCapabilities({{Capability::kMappedRam, true}}).ok());
  EXPECT_TRUE(config.CheckTransport(file).ok());
  EXPECT_EQ(config.CheckTransport(exec).message(), "Migration requires seekable transport (e.g. file)");
}

}  // namespace
}  // namespace mrm::params
