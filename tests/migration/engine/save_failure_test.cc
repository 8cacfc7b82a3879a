// Saves that must fail cleanly: status failed with the error text, never completed.
#include <gtest/gtest.h>

#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

using channel::FakeFileSystem;
using channel::FakeOp;
using channel::FakeOptions;

const std::vector<ram::RamBlockSpec> kBlocks = {{"pc.ram", 2 << 20}};

MigrationStatus Save(FakeFileSystem& fs, const SaveConfig& c, std::vector<MigrationState>* states = nullptr) {
  ram::HostRam ram = testing::MakeRam(kBlocks, c.content);
  return SaveMigration(fs, ram, c, [&](const MigrationStatus& s) {
    if (states) states->push_back(s.state);
  });
}

TEST(SaveFailure, FilesystemWithoutODirectFailsWithQemuMessage) {
  FakeOptions o;
  o.direct_supported = false;
  FakeFileSystem fs(o);
  std::vector<MigrationState> states;
  MigrationStatus s = Save(fs, testing::MakeSave(4, true, {1, 0.5, 0}), &states);
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_EQ(s.error_desc, "Could not open '/mig/file': filesystem does not support O_DIRECT");
  EXPECT_EQ(states.back(), MigrationState::kFailed);
  EXPECT_EQ(std::count(states.begin(), states.end(), MigrationState::kCompleted), 0);
  // every opened descriptor was closed
  int opens = 0, closes = 0;
  for (const FakeOp& op : fs.Ops()) {
    opens += op.kind == FakeOp::kOpen && op.error == 0;
    closes += op.kind == FakeOp::kClose;
  }
  EXPECT_EQ(opens, closes);
}

// query-migrate's error-desc is QEMU 10.0's text; where it failed is the detail.
TEST(SaveFailure, NoSpaceAndIoErrorsCarryQemusText) {
  FakeOptions o;
  o.direct_write_errno = ENOSPC;  // the channels' page writes
  FakeFileSystem fs(o);
  MigrationStatus s = Save(fs, testing::MakeSave(2, true, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_EQ(s.error_desc, "Unable to write to file: No space left on device");
  EXPECT_NE(s.error_detail.find("multifd send ("), std::string::npos) << s.error_detail;
  EXPECT_NE(s.error_detail.find("(ramblock pc.ram): No space left on device"), std::string::npos) << s.error_detail;

  // Without multifd the pages go through the main channel, after its setup.
  FakeOptions first_page;
  first_page.write_errno = ENOSPC;
  first_page.write_errno_begin = 1 << 20;  // page 0 of pc.ram: the stream itself is elsewhere
  first_page.write_errno_end = (1 << 20) + 4096;
  FakeFileSystem full(first_page);
  s = Save(full, testing::MakeSave(0, false, {1, 0.0, 0}));
  EXPECT_EQ(s.error_desc, "Unable to write to file: No space left on device");
  EXPECT_EQ(s.error_detail.rfind("main channel: pwritev of 0x1000 bytes at 0x100000 (ramblock pc.ram)", 0), 0u)
      << s.error_detail;

  // A main channel write that fails in ram_save_setup: QEMU reports its own
  // text with qemu_fflush's EIO, whatever the write's errno was.
  FakeFileSystem einval;
  einval.options().write_errno = EINVAL;
  s = Save(einval, testing::MakeSave(0, false, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_EQ(s.error_desc, "ram_save_setup failed: Input/output error");
  EXPECT_EQ(s.error_detail.rfind("main channel: pwrite of 0x", 0), 0u) << s.error_detail;
  EXPECT_NE(s.error_detail.find(": Invalid argument"), std::string::npos) << s.error_detail;
}

TEST(SaveFailure, ShortChannelWriteFailsTheSave) {
  FakeOptions o;
  o.short_write_limit = 3 * 4096;
  FakeFileSystem fs(o);
  MigrationStatus s = Save(fs, testing::MakeSave(2, false, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  // QEMU's text for a short pwrite (qemu_put_buffer_at); a run is at most 128 pages.
  EXPECT_EQ(s.error_desc.rfind("Partial write of size 12288, expected ", 0), 0u) << s.error_desc;
  EXPECT_NE(s.error_detail.find("short write of 0x3000 bytes"), std::string::npos) << s.error_detail;
}

TEST(SaveFailure, InvalidConfigIsRefusedBeforeAnyOpen) {
  FakeFileSystem fs;
  SaveConfig c = testing::MakeSave(2, false, {1, 0.5, 0});
  c.mapped_ram = false;
  EXPECT_EQ(Save(fs, c).state, MigrationState::kFailed);
  EXPECT_TRUE(fs.Ops().empty());
}

}  // namespace
}  // namespace mrm::engine
