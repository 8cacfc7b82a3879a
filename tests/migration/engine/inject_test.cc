// Each x-inject case produces its mistake: the faulty I/O or bytes are shown.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "migration/format/stream_constants.h"
#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

using channel::FakeFileSystem;
using channel::FakeOp;

const std::vector<ram::RamBlockSpec> kBlocks = {{"pc.ram", 2 << 20}, {"vga.vram", 1 << 20}};

SaveConfig With(SaveConfig c, const char* bug) {
  c.inject = *model::ParseInjectedBugs({bug});
  return c;
}

MigrationStatus Save(FakeFileSystem& fs, const SaveConfig& c) {
  ram::HostRam ram = testing::MakeRam(kBlocks, c.content);
  return SaveMigration(fs, ram, c);
}

TEST(Inject, UnalignedPagesOffset) {
  FakeFileSystem fs;
  SaveConfig c = With(testing::MakeSave(2, false, {1, 0.5, 0}), "unaligned-pages-offset");
  ASSERT_EQ(Save(fs, c).state, MigrationState::kCompleted);
  auto parsed = testing::ParseFake(fs, c.path);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ram_blocks[0].header.pages_offset, 0x1000u);  // page rounded, not 1 MiB
  EXPECT_NE(parsed->ram_blocks[1].header.pages_offset % format::kMappedRamFileOffsetAlignment, 0u);
}

TEST(Inject, RelativeRounding) {
  FakeFileSystem fs;
  SaveConfig c = With(testing::MakeSave(2, false, {1, 0.5, 0}), "relative-rounding");
  c.offset = 4096;
  ASSERT_EQ(Save(fs, c).state, MigrationState::kCompleted);
  auto parsed = testing::ParseFake(fs, c.path, c.offset);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ram_blocks[0].header.pages_offset, 0x101000u);  // 1 MiB past offset=, not absolute
}

TEST(Inject, OdirectMainChannel) {
  FakeFileSystem fs;
  MigrationStatus s = Save(fs, With(testing::MakeSave(2, true, {1, 0.5, 0}), "odirect-main-channel"));
  EXPECT_EQ(s.state, MigrationState::kFailed);  // the unaligned stream write is refused
  const auto ops = fs.Ops();
  EXPECT_EQ(ops[0].flags, O_CREAT | O_WRONLY | O_DIRECT);
  bool refused = false;
  for (const FakeOp& op : ops) refused |= op.kind == FakeOp::kWrite && op.file_id == ops[0].file_id && op.error == EINVAL;
  EXPECT_TRUE(refused);
}

TEST(Inject, UngatedDirectIo) {
  FakeFileSystem fs;
  SaveConfig c = With(testing::MakeSave(0, true, {1, 0.5, 0}), "ungated-direct-io");  // no multifd
  EXPECT_EQ(Save(fs, c).state, MigrationState::kFailed);
  EXPECT_TRUE(fs.Ops()[0].direct());
  FakeFileSystem plain;
  c.inject = {};
  EXPECT_EQ(Save(plain, c).state, MigrationState::kCompleted);
  EXPECT_FALSE(plain.Ops()[0].direct());
}

TEST(Inject, SilentBufferedFallback) {
  FakeFileSystem fs;
  ASSERT_EQ(Save(fs, With(testing::MakeSave(2, true, {1, 0.5, 0}), "silent-buffered-fallback")).state,
            MigrationState::kCompleted);
  for (const FakeOp& op : fs.Ops()) EXPECT_FALSE(op.direct());  // effective, yet no O_DIRECT anywhere
}

TEST(Inject, MisalignedPageBuffers) {
  FakeFileSystem fs;
  EXPECT_EQ(Save(fs, With(testing::MakeSave(2, true, {1, 0.0, 0}), "misaligned-page-buffers")).state,
            MigrationState::kFailed);
  FakeFileSystem buffered;
  ASSERT_EQ(Save(buffered, With(testing::MakeSave(2, false, {1, 0.0, 0}), "misaligned-page-buffers")).state,
            MigrationState::kCompleted);
  int misaligned = 0;
  for (const FakeOp& op : buffered.Ops()) misaligned += op.kind == FakeOp::kWrite && !op.buffers_aligned && op.length % 4096 == 0;
  EXPECT_GT(misaligned, 0);
}

TEST(Inject, BitmapViaOdirectChannel) {
  FakeFileSystem fs;
  MigrationStatus s = Save(fs, With(testing::MakeSave(2, true, {1, 0.5, 0}), "bitmap-via-odirect-channel"));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("bitmap of pc.ram via multifd channel 0"), std::string::npos) << s.error_desc;
  bool direct_bitmap_write = false;
  for (const FakeOp& op : fs.Ops()) {
    direct_bitmap_write |= op.kind == FakeOp::kWrite && op.direct() && op.offset == 0x8a && op.error == EINVAL;
  }
  EXPECT_TRUE(direct_bitmap_write);
}

TEST(Inject, ZeroPagesInBitmapRestoresStaleData) {
  SaveConfig c = testing::MakeSave(2, true, {21, 0.5, 0.4});
  c.passes = 3;
  FakeFileSystem good;
  auto ok = testing::SaveAndLoad(good, kBlocks, c);
  ASSERT_EQ(ok.loaded.state, MigrationState::kCompleted) << ok.saved.error_desc << ok.loaded.error_desc;
  FakeFileSystem bad;
  auto r = testing::SaveAndLoad(bad, kBlocks, With(c, "zero-pages-in-bitmap"));
  ASSERT_EQ(r.saved.state, MigrationState::kCompleted);
  EXPECT_EQ(r.loaded.state, MigrationState::kFailed);
  EXPECT_NE(r.loaded.error_desc.find("expected a zero page"), std::string::npos) << r.loaded.error_desc;
}

TEST(Inject, TruncatePrefix) {
  FakeFileSystem fs;
  fs.PutFile("/mig/file", std::vector<uint8_t>(8192, 0xee));
  SaveConfig c = With(testing::MakeSave(2, false, {1, 0.5, 0}), "truncate-prefix");
  c.offset = 8192;
  ASSERT_EQ(Save(fs, c).state, MigrationState::kCompleted);
  EXPECT_EQ(fs.Contents(c.path)[0], 0);  // the prefix before offset= is gone
  EXPECT_TRUE(fs.Ops()[0].flags & O_TRUNC);
}

TEST(Inject, IgnoreShortWrites) {
  channel::FakeOptions o;
  o.short_write_limit = 2 * 4096;
  FakeFileSystem fs(o);
  SaveConfig c = With(testing::MakeSave(2, false, {1, 0.0, 0}), "ignore-short-writes");
  auto r = testing::SaveAndLoad(fs, kBlocks, c);
  EXPECT_EQ(r.saved.state, MigrationState::kCompleted);  // QEMU's behaviour: nobody notices
  EXPECT_EQ(r.loaded.state, MigrationState::kFailed);    // but the file is corrupt
}

}  // namespace
}  // namespace mrm::engine
