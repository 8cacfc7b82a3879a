#include "migration/qmp/hmp_commands.h"

#include <gtest/gtest.h>

#include "migration/params/hmp_text.h"
#include "tests/migration/qmp/fake_engine.h"

namespace mrm::qmp {
namespace {

class HmpCommandsTest : public ::testing::Test {
 protected:
  std::string Run(std::string_view line) { return ExecuteHmpCommand(controller_, line); }
  testing::FakeEngine engine_;
  MigrationController controller_{engine_, [](const StatusChange&) {}};
};

TEST_F(HmpCommandsTest, SetAndShow) {
  EXPECT_EQ(Run("migrate_set_parameter direct-io on"), "");
  EXPECT_EQ(Run("migrate_set_parameter multifd-channels 2"), "");
  EXPECT_EQ(Run("migrate_set_parameter max-bandwidth 0"), "");
  EXPECT_EQ(Run("info migrate_parameters"), params::InfoMigrateParametersText(controller_.config().parameters()));
  EXPECT_NE(Run("info migrate_parameters").find("\ndirect-io: on\n"), std::string::npos);
  EXPECT_EQ(Run("migrate_set_capability mapped-ram on"), "");
  EXPECT_NE(Run("info migrate_capabilities").find("\nmapped-ram: on\n"), std::string::npos);
}

TEST_F(HmpCommandsTest, ErrorsAsQemuPrintsThem) {
  EXPECT_EQ(Run("migrate_set_parameter multifd-channels 0"),
            "Error: Parameter 'multifd_channels' expects a value between 1 and 255\n");
  EXPECT_EQ(Run("migrate_set_parameter bogus 1"), "Error: invalid parameter value: bogus\n");
  EXPECT_EQ(Run("migrate_set_capability mapped-ram maybe"), "Expected 'on' or 'off'\n");
  EXPECT_EQ(Run("migrate_set_capability xbzrle on"), "");
  EXPECT_EQ(Run("migrate_set_capability mapped-ram on"),
            "Error: Mapped-ram migration is incompatible with xbzrle\n");
  EXPECT_EQ(Run("frobnicate"), "unknown command: 'frobnicate'\n");
  EXPECT_EQ(Run("info nothing"), "unknown command: 'info nothing'\n");
}

TEST_F(HmpCommandsTest, MigrateAndCancel) {
  EXPECT_EQ(Run("info migrate"), "");
  EXPECT_EQ(Run("migrate -d file:/tmp/x"), "");
  ASSERT_EQ(engine_.jobs().size(), 1u);
  EXPECT_EQ(engine_.jobs()[0].uri.path, "/tmp/x");
}

}  // namespace
}  // namespace mrm::qmp
