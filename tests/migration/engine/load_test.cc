#include "migration/engine/load.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "migration/channel/file_io.h"
#include "tests/migration/engine/engine_test_util.h"

namespace mrm::engine {
namespace {

using channel::FakeFileSystem;
using channel::FakeOp;

const std::vector<ram::RamBlockSpec> kBlocks = {{"pc.ram", 2 << 20}, {"vga.vram", 1 << 20}};

struct Saved {
  FakeFileSystem fs;
  SaveConfig config = testing::MakeSave(2, true, {4, 0.3, 0});
  Saved() {
    ram::HostRam ram = testing::MakeRam(kBlocks, config.content);
    EXPECT_EQ(SaveMigration(fs, ram, config).state, MigrationState::kCompleted);
  }
};

MigrationStatus Load(FakeFileSystem& fs, const std::vector<ram::RamBlockSpec>& blocks, const LoadConfig& c) {
  auto ram = ram::HostRam::Allocate(blocks);
  return LoadMigration(fs, *ram, c);
}

TEST(Load, RefusesUnknownBlocksAndLengthMismatch) {
  Saved saved;
  LoadConfig c = testing::LoadFor(saved.config);
  MigrationStatus s = Load(saved.fs, {{"pc.ram", 2 << 20}}, c);
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("Unknown ramblock \"vga.vram\", cannot accept migration"), std::string::npos);
  s = Load(saved.fs, {{"pc.ram", 4 << 20}, {"vga.vram", 1 << 20}}, c);
  EXPECT_NE(s.error_desc.find("Length mismatch: pc.ram: 0x200000 in != 0x400000"), std::string::npos) << s.error_desc;
}

TEST(Load, ShortReadIsAnErrorWithQemuWording) {
  Saved saved;
  saved.fs.options().short_read_limit = 4096;  // every read stops after one page
  MigrationStatus s = Load(saved.fs, kBlocks, testing::LoadFor(saved.config));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("multifd recv ("), std::string::npos) << s.error_desc;
  EXPECT_NE(s.error_desc.find("read 0x1000, expected 0x"), std::string::npos) << s.error_desc;
}

TEST(Load, DirectIoReadsOnChannelsOnly) {
  Saved saved;
  const size_t before = saved.fs.Ops().size();
  LoadConfig c = testing::LoadFor(saved.config);
  ASSERT_EQ(Load(saved.fs, kBlocks, c).state, MigrationState::kCompleted);
  const auto ops = saved.fs.Ops();
  int direct_reads = 0;
  for (size_t i = before; i < ops.size(); ++i) {
    if (ops[i].kind != FakeOp::kRead || !ops[i].direct()) continue;
    ++direct_reads;
    EXPECT_EQ(ops[i].offset % 4096, 0u);
    EXPECT_LE(ops[i].length, 1u << 20);
  }
  EXPECT_GT(direct_reads, 0);
}

TEST(Load, VerifyNamesBlockAndPage) {
  Saved saved;
  std::vector<uint8_t> bytes = saved.fs.Contents(saved.config.path);
  auto parsed = testing::ParseFake(saved.fs, saved.config.path);
  ASSERT_TRUE(parsed.ok());
  const auto& vga = parsed->ram_blocks[1];
  uint64_t page = 0;
  while (!((vga.bitmap[page / 8] >> (page % 8)) & 1)) ++page;
  bytes[vga.header.pages_offset + page * 4096 + 10] ^= 0xff;
  FakeFileSystem corrupt;
  corrupt.PutFile(saved.config.path, bytes);
  MigrationStatus s = Load(corrupt, kBlocks, testing::LoadFor(saved.config));
  EXPECT_EQ(s.state, MigrationState::kFailed);
  EXPECT_NE(s.error_desc.find("RAM block vga.vram page " + std::to_string(page) + " differs"), std::string::npos)
      << s.error_desc;
}

TEST(Load, RealFilesystemRoundTrip) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mrm-load-" + std::to_string(::getpid()))).string();
  SaveConfig c = testing::MakeSave(2, false, {8, 0.5, 0.2});
  c.path = path;
  c.passes = 2;
  ram::HostRam ram = testing::MakeRam(kBlocks, c.content);
  ASSERT_EQ(SaveMigration(channel::PosixFileSystem(), ram, c).state, MigrationState::kCompleted);
  auto dest = ram::HostRam::Allocate(kBlocks);
  MigrationStatus s = LoadMigration(channel::PosixFileSystem(), *dest, testing::LoadFor(c));
  EXPECT_EQ(s.state, MigrationState::kCompleted) << s.error_desc;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mrm::engine
