#include "migration/engine/inspect_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

TEST(InspectFile, ReportsWhatTheEngineWrote) {
  channel::FakeFileSystem fs;
  SaveConfig c = testing::MakeSave(2, true, {3, 0.5, 0});
  c.offset = 8192;
  ram::HostRam ram = testing::MakeRam({{"pc.ram", 2 << 20}, {"/rom@etc/acpi/rsdp", 4096}}, c.content);
  MigrationStatus saved = SaveMigration(fs, ram, c);
  ASSERT_EQ(saved.state, MigrationState::kCompleted) << saved.error_desc;
  const size_t ops_before = fs.Ops().size();
  auto report = InspectFile(fs, c.path, c.offset);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->machine, "pc-q35-9.1");
  EXPECT_EQ(report->blocks.size(), 2u);
  EXPECT_EQ(report->blocks[0].data_pages + report->blocks[1].data_pages, saved.ram.normal_pages);
  EXPECT_TRUE(report->switchover_start);
  EXPECT_EQ(report->device_sections, 4u);
  const channel::FakeOp open = fs.Ops()[ops_before];
  EXPECT_EQ(open.kind, channel::FakeOp::kOpen);
  EXPECT_EQ(open.flags, O_RDONLY);  // read-only, never O_DIRECT
  auto missing = InspectFile(fs, "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "Could not open '/nope': No such file or directory");
}

}  // namespace
}  // namespace mrm::engine
