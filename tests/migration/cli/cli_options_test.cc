#include "migration/cli/cli_options.h"

#include <gtest/gtest.h>

#include "tests/migration/qmp/fake_engine.h"

namespace mrm::cli {
namespace {

class CliOptionsTest : public ::testing::Test {
 protected:
  qmp::testing::FakeEngine engine_;  // never started: only the configuration changes
  qmp::MigrationController controller_{engine_, [](const qmp::StatusChange&) {}};
};

TEST_F(CliOptionsTest, AppliesCapabilitiesThenParameters) {
  ASSERT_TRUE(ApplyCliOptions(controller_, {"mapped-ram=on", "multifd=on"},
                              {"direct-io=on", "multifd-channels=8", "max-bandwidth=0", "x-inject=ungated-direct-io"})
                  .ok());
  EXPECT_TRUE(controller_.config().direct_io().effective());
  EXPECT_EQ(controller_.config().parameters().multifd_channels, 8u);
  EXPECT_EQ(controller_.config().parameters().max_bandwidth, 0u);
  EXPECT_TRUE(controller_.config().parameters().x_inject.has(model::InjectedBug::kUngatedDirectIo));
}

TEST_F(CliOptionsTest, SameChecksAsQmpAndNothingAppliedOnError) {
  EXPECT_EQ(ApplyCliOptions(controller_, {}, {"multifd-channels=4", "multifd-channels=0"}).message(),
            "Parameter 'multifd_channels' expects a value between 1 and 255");
  EXPECT_EQ(controller_.config().parameters().multifd_channels, 2u);
  EXPECT_EQ(ApplyCliOptions(controller_, {"mapped-ram=on", "xbzrle=on"}, {}).message(),
            "Mapped-ram migration is incompatible with xbzrle");
  EXPECT_EQ(ApplyCliOptions(controller_, {"mapped-ram"}, {}).message(),
            "--capability 'mapped-ram': expected NAME=on|off");
  EXPECT_EQ(ApplyCliOptions(controller_, {"mapped-ram=yes"}, {}).message(),
            "--capability mapped-ram=yes: Expected 'on' or 'off'");
  EXPECT_EQ(ApplyCliOptions(controller_, {}, {"direct-io=maybe"}).message(),
            "--parameter direct-io=maybe: Invalid parameter type for 'direct-io', expected: boolean");
  EXPECT_EQ(ApplyCliOptions(controller_, {}, {"x-inject=nope"}).message(),
            "Parameter 'x-inject' does not accept value 'nope'");
}

TEST(CliOptionsHelpTest, UrisAndNames) {
  EXPECT_EQ(ToMigrationUri("/tmp/x"), "file:/tmp/x");
  EXPECT_EQ(ToMigrationUri("file:/tmp/x,offset=4096"), "file:/tmp/x,offset=4096");
  EXPECT_NE(CapabilityNamesHelp().find("mapped-ram"), std::string::npos);
  EXPECT_NE(ParameterNamesHelp().find("direct-io"), std::string::npos);
  EXPECT_NE(ParameterNamesHelp().find("zero-pages-in-bitmap"), std::string::npos);
}

}  // namespace
}  // namespace mrm::cli
