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

TEST(SaveFailure, NoSpaceAndIoErrorsCarryTheErrorText) {
  FakeOptions o;
  o.capacity = 1 << 20;  // the pages region starts at 1 MiB
  FakeFileSystem fs(o);
  MigrationStatus s = Save(fs, testing::MakeSave(2, true, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("No space left on device"), std::string::npos) << s.error_desc;

  FakeFileSystem eio;
  eio.options().write_errno = EIO;
  s = Save(eio, testing::MakeSave(0, false, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("Input/output error"), std::string::npos) << s.error_desc;
}

TEST(SaveFailure, ShortChannelWriteFailsTheSave) {
  FakeOptions o;
  o.short_write_limit = 3 * 4096;
  FakeFileSystem fs(o);
  MigrationStatus s = Save(fs, testing::MakeSave(2, false, {1, 0.0, 0}));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("short write of 0x3000"), std::string::npos) << s.error_desc;
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
