// What the strict fake channel saw: the I/O geometry of a save and a load.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "migration/format/stream_constants.h"
#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

using channel::FakeFileSystem;
using channel::FakeOp;

const std::vector<ram::RamBlockSpec> kBlocks = {{"pc.ram", 3 << 20}, {"/rom@etc/table-loader", 4096},
                                                {"pc.bios", (1 << 20) + 4096}};

TEST(SaveEvidence, ChannelIoIsAlignedAndBoundedMainNeverDirect) {
  for (bool direct : {true, false}) {
    SCOPED_TRACE(direct ? "direct-io on" : "direct-io off");
    FakeFileSystem fs;
    auto r = testing::SaveAndLoad(fs, kBlocks, testing::MakeSave(4, direct, {5, 0.3, 0}));
    ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.saved.error_desc << r.loaded.error_desc;
    const std::vector<FakeOp> ops = fs.Ops();
    std::map<int, int> open_flags;
    int main_out = testing::MainFileId(ops), main_in = -1;
    int channel_writes = 0, channel_reads = 0, direct_opens = 0;
    for (const FakeOp& op : ops) {
      if (op.kind == FakeOp::kOpen) {
        open_flags[op.file_id] = op.flags;
        direct_opens += op.direct();
        if (main_in < 0 && (op.flags & O_ACCMODE) == O_RDONLY) main_in = op.file_id;
      }
      if (op.kind != FakeOp::kWrite && op.kind != FakeOp::kRead) continue;
      EXPECT_EQ(op.error, 0);
      const bool is_channel = op.file_id != main_out && op.file_id != main_in;
      if (!is_channel) {
        EXPECT_FALSE(op.direct());
        continue;
      }
      EXPECT_EQ(op.offset % 4096, 0u) << op.offset;
      EXPECT_EQ(op.length % 4096, 0u) << op.length;
      EXPECT_TRUE(op.buffers_aligned);
      EXPECT_EQ(op.direct(), direct);
      if (op.kind == FakeOp::kWrite) {
        EXPECT_LE(op.length, format::kMultifdPacketSize);
        ++channel_writes;
      } else {
        EXPECT_LE(op.length, format::kMappedRamLoadBufSize);
        ++channel_reads;
      }
    }
    EXPECT_GT(channel_writes, 4);
    EXPECT_GT(channel_reads, 4);
    EXPECT_EQ(direct_opens, direct ? 8 : 0);  // 4 channels out + 4 in
    EXPECT_EQ(open_flags[main_out], O_CREAT | O_WRONLY);  // the main channel never has O_DIRECT
    EXPECT_EQ(open_flags[main_in], O_RDONLY);
  }
}

TEST(SaveEvidence, NoMultifdMeansEveryPageThroughTheMainDescriptor) {
  FakeFileSystem fs;
  SaveConfig c = testing::MakeSave(0, true, {5, 0.3, 0});  // direct-io set but not effective
  auto r = testing::SaveAndLoad(fs, kBlocks, c);
  ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.saved.error_desc << r.loaded.error_desc;
  int opens = 0;
  for (const FakeOp& op : fs.Ops()) {
    EXPECT_FALSE(op.direct());
    opens += op.kind == FakeOp::kOpen;
  }
  EXPECT_EQ(opens, 2);  // one out, one in
}

TEST(SaveEvidence, OffsetKeepsThePrefixAndRegionsAreAbsolute1MiB) {
  FakeFileSystem fs;
  fs.PutFile("/mig/file", std::vector<uint8_t>(5000, 0xee));
  SaveConfig c = testing::MakeSave(2, true, {5, 0.5, 0});
  c.offset = 4096 + 512;
  auto r = testing::SaveAndLoad(fs, kBlocks, c);
  ASSERT_EQ(r.loaded.state, MigrationState::kCompleted) << r.saved.error_desc << r.loaded.error_desc;
  std::vector<uint8_t> bytes = fs.Contents(c.path);
  EXPECT_EQ(bytes[c.offset - 1], 0xee);
  EXPECT_EQ(bytes[c.offset], 0x51);  // 'Q' of QEVM
  auto parsed = testing::ParseFake(fs, c.path, c.offset);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (const auto& b : parsed->ram_blocks) EXPECT_EQ(b.header.pages_offset % format::kMappedRamFileOffsetAlignment, 0u) << b.idstr;
}

TEST(SaveEvidence, StatusCallbackSequence) {
  FakeFileSystem fs;
  SaveConfig c = testing::MakeSave(2, false, {5, 0.5, 0});
  ram::HostRam ram = testing::MakeRam(kBlocks, c.content);
  std::vector<std::pair<MigrationState, uint64_t>> states;  // with ram.dirty_sync_count
  MigrationStatus final_status = SaveMigration(
      fs, ram, c, [&](const MigrationStatus& s) { states.push_back({s.state, s.ram.dirty_sync_count}); });
  // A dirty sync at setup (ram_init_bitmaps), one at completion (ram_save_complete),
  // after the device status (migration_completion).
  EXPECT_EQ(states, (std::vector<std::pair<MigrationState, uint64_t>>{{MigrationState::kSetup, 0},
                                                                      {MigrationState::kSetup, 1},
                                                                      {MigrationState::kActive, 1},
                                                                      {MigrationState::kDevice, 1},
                                                                      {MigrationState::kDevice, 2},
                                                                      {MigrationState::kCompleted, 2}}));
  EXPECT_EQ(final_status.ram.total, ram.total_length());
  EXPECT_EQ(final_status.ram.normal_pages + final_status.ram.zero_pages, ram.total_length() / 4096);
  // data pages + the stream and bitmaps on the main channel (a few KiB), not the skipped regions
  EXPECT_GE(final_status.ram.transferred, final_status.ram.normal_pages * 4096);
  EXPECT_LT(final_status.ram.transferred, final_status.ram.normal_pages * 4096 + 16384);
}

// ram.dirty-sync-count as QEMU counts it for a save: setup
// (ram_init_bitmaps), before each later pass, completion (ram_save_complete).
TEST(SaveEvidence, DirtySyncsAreTheMaxOfPassesAndTwo) {
  for (const auto& [passes, syncs] : std::vector<std::pair<uint32_t, uint64_t>>{{1, 2}, {2, 2}, {4, 4}}) {
    FakeFileSystem fs;
    SaveConfig c = testing::MakeSave(2, false, {5, 0.5, 0.25});
    c.passes = passes;
    ram::HostRam ram = testing::MakeRam(kBlocks, c.content);
    std::vector<uint64_t> reported;
    MigrationStatus s = SaveMigration(fs, ram, c, [&](const MigrationStatus& st) {
      if (reported.empty() || reported.back() != st.ram.dirty_sync_count) reported.push_back(st.ram.dirty_sync_count);
    });
    ASSERT_EQ(s.state, MigrationState::kCompleted) << s.error_desc;
    EXPECT_EQ(s.ram.dirty_sync_count, syncs) << passes << " passes";
    EXPECT_EQ(reported.size(), syncs + 1) << "each sync is reported once, from 0";
  }
}

}  // namespace
}  // namespace mrm::engine
