// mrmigrate (the built binary) saving onto and loading from a real diofs
// mount, with the op log as the evidence: what reached the filesystem with
// O_DIRECT, from which threads, in which geometry.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <fstream>

#include "fs/oplog/log_reader.h"
#include "migration/format/stream_constants.h"
#include "tests/fs/daemon/mount_test_util.h"
#include "tests/migration/cli/run_mrmigrate.h"

namespace {

using diofs::OpKind;
using mrmigrate_test::Mrmigrate;
using mrmigrate_test::ProcessRun;
using mrmigrate_test::TempDir;

// The op log lives in a temporary folder outside the mount.
std::string LogFile(const TempDir& dir) { return (dir.path / "ops.log").string(); }

constexpr std::uint64_t kDirectAlign = 4096;
constexpr std::uint64_t kMaxDirectWrite = mrm::format::kMultifdPacketSize;  // page writes of at most one batch

std::string Options(bool direct_io) {
  return "--ram pc.ram=60M,vga.vram=4M --seed 11 --capability mapped-ram=on --capability multifd=on "
         "--parameter multifd-channels=4 --parameter max-bandwidth=0 --parameter direct-io=" +
         std::string(direct_io ? "on " : "off ");
}


bool IsDirect(const diofs::oplog::LogRecord& record) { return (record.flags & O_DIRECT) != 0; }
bool IsData(const diofs::oplog::LogRecord& record) {
  return record.kind == OpKind::kWrite || record.kind == OpKind::kRead;
}

TEST(MrmigrateDiofsTest, DirectIoSaveOnStrict4kIsAlignedAndComesFromTheChannels) {
  const TempDir dir;
  const std::string log_path = LogFile(dir);
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--log", log_path});
    const std::string file = mount->Path("guest.img");
    const ProcessRun save = Mrmigrate("save " + Options(true) + file);
    EXPECT_EQ(save.exit_code, 0) << save.output;
    const ProcessRun load = Mrmigrate("load " + Options(true) + file);
    EXPECT_EQ(load.exit_code, 0) << load.output;
    EXPECT_NE(load.output.find("mrmigrate: completed"), std::string::npos) << load.output;
    auto exit_status = mount->Unmount();
    ASSERT_TRUE(exit_status.ok()) << exit_status.status().ToString();
    ASSERT_EQ(*exit_status, 0) << mount->DaemonStderr();
  }
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE(log->complete()) << log->damage.ToString();

  std::set<std::uint32_t> direct_writers, buffered_writers;
  std::uint64_t direct_writes = 0, direct_reads = 0;
  for (const diofs::oplog::LogRecord& r : log->records) {
    EXPECT_NE(r.verdict, diofs::Verdict::kRejected) << "op " << r.seq << " on " << r.path << " was rejected";
    if (r.kind == OpKind::kWrite && r.path == "/guest.img") (IsDirect(r) ? direct_writers : buffered_writers).insert(r.tid);
    if (!IsData(r) || !IsDirect(r)) continue;
    EXPECT_EQ(r.offset % kDirectAlign, 0u) << "op " << r.seq << " offset " << r.offset;
    EXPECT_EQ(r.length % kDirectAlign, 0u) << "op " << r.seq << " length " << r.length;
    if (r.kind == OpKind::kWrite) {
      ++direct_writes;
      EXPECT_LE(r.length, kMaxDirectWrite) << "op " << r.seq;
    } else {
      ++direct_reads;
    }
  }
  EXPECT_GT(direct_writes, 0u);
  EXPECT_GT(direct_reads, 0u);
  EXPECT_GT(direct_writers.size(), 1u) << "the O_DIRECT writes come from the multifd channels' threads";
  EXPECT_FALSE(buffered_writers.empty()) << "the main channel writes the stream buffered";
  for (std::uint32_t tid : buffered_writers) {
    EXPECT_EQ(direct_writers.count(tid), 0u) << "thread " << tid << " wrote both with and without O_DIRECT";
  }
}

TEST(MrmigrateDiofsTest, FilesystemThatRejectsODirectFailsTheSave) {
  const TempDir dir;
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "no-odirect", "--log", LogFile(dir)});
  const std::string file = mount->Path("guest.img");
  const ProcessRun save = Mrmigrate("save " + Options(true) + file);
  EXPECT_EQ(save.exit_code, 1) << save.output;
  EXPECT_NE(save.output.find("mrmigrate: failed\n"), std::string::npos) << save.output;
  EXPECT_NE(save.output.find("mrmigrate: Could not open '" + file + "': filesystem does not support O_DIRECT\n"),
            std::string::npos)
      << save.output;
  auto exit_status = mount->Unmount();
  ASSERT_TRUE(exit_status.ok()) << exit_status.status().ToString();
  EXPECT_EQ(*exit_status, 0) << mount->DaemonStderr();
}

TEST(MrmigrateDiofsTest, DirectIoOffMeansNoODirectAnywhere) {
  const TempDir dir;
  const std::string log_path = LogFile(dir);
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--log", log_path});
    const std::string file = mount->Path("guest.img");
    const ProcessRun save = Mrmigrate("save " + Options(false) + file);
    EXPECT_EQ(save.exit_code, 0) << save.output;
    const ProcessRun load = Mrmigrate("load " + Options(false) + file);
    EXPECT_EQ(load.exit_code, 0) << load.output;
    auto exit_status = mount->Unmount();
    ASSERT_TRUE(exit_status.ok()) << exit_status.status().ToString();
  }
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::uint64_t writes = 0;
  for (const diofs::oplog::LogRecord& r : log->records) {
    EXPECT_FALSE(IsDirect(r)) << "op " << r.seq << " (kind " << static_cast<int>(r.kind) << ") has O_DIRECT";
    if (r.kind == OpKind::kWrite) ++writes;
  }
  EXPECT_GT(writes, 0u);
}

}  // namespace

// The storage simulation against the engine (issue: storage simulation).
TEST(MrmigrateDiofsTest, RunningOutOfSpaceMidSaveFailsTheMigration) {
  const TempDir dir;
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--capacity", "16M"});
  const ProcessRun save = Mrmigrate("save " + Options(true) + mount->Path("guest.img"));
  EXPECT_EQ(save.exit_code, 1) << save.output;
  EXPECT_NE(save.output.find("mrmigrate: failed\n"), std::string::npos) << save.output;
  EXPECT_NE(save.output.find("No space left on device"), std::string::npos) << save.output;
}

TEST(MrmigrateDiofsTest, InjectedShortWritesAreCaughtByTheEngine) {
  const TempDir dir;
  const std::string rules = (dir.path / "short.json").string();
  std::ofstream(rules) << R"({"rules":[{"name":"short-page-write","op":"write","direct":true,
                              "when":{"nth":3},"action":{"short":2048}}]})";  // less than any page write
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--faults", rules});
  const ProcessRun save = Mrmigrate("save " + Options(true) + mount->Path("guest.img"));
  EXPECT_EQ(save.exit_code, 1) << save.output;
  EXPECT_NE(save.output.find("mrmigrate: failed\n"), std::string::npos) << save.output;
  EXPECT_NE(save.output.find("short write"), std::string::npos) << save.output;
  EXPECT_EQ(diofs_test::Stats(*mount)["ops"]["fault"], 1);
}
