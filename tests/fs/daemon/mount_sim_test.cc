// The storage simulation through a real mount: fault rules given at start
// and changed at runtime in .diofs/faults, with their reasons in .diofs/error.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

#include "tests/fs/daemon/mount_test_util.h"

namespace {

using diofs_test::AlignedBuffer;

TEST(MountSimTest, RulesFromAFileAndAtRuntime) {
  const auto dir = std::filesystem::temp_directory_path() / ("diofs-faults-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string rules = (dir / "rules.json").string();
  std::ofstream(rules) << R"({"seed":1,"rules":[{"name":"second-write-eio","op":"write","path":"/vm.img",
                               "when":{"nth":2},"action":{"errno":"EIO"}}]})";
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--faults", rules, "--device", "nvme"});
    AlignedBuffer buffer(4096, 1);
    const int fd = open(mount->Path("vm.img").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 0), 4096);
    EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 4096), -1);
    EXPECT_EQ(errno, EIO);
    EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 4096), 4096);

    {  // a new rule set, in force when the write returns
      std::ofstream control(mount->Path(".diofs/faults"));
      control << R"({"rules":[{"name":"short","op":"write","action":{"short":512}}]})" << std::flush;
      ASSERT_TRUE(control.good());
    }
    EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 0), 512);
    std::ofstream bad(mount->Path(".diofs/faults"));
    bad << R"({"rules":[{"op":"wrte"}]})" << std::flush;
    EXPECT_TRUE(bad.fail()) << "a bad rule set must fail the write";
    const std::string why = diofs_test::ReadText(mount->Path(".diofs/error"));
    EXPECT_NE(why.find("unknown op"), std::string::npos) << why;
    EXPECT_NE(diofs_test::ReadText(mount->Path(".diofs/faults")).find("\"short\""), std::string::npos);
    close(fd);
    EXPECT_EQ(diofs_test::Stats(*mount)["ops"]["fault"], 2);
  }
  std::filesystem::remove_all(dir);
}

TEST(MountSimTest, CapacityFailsWritesWithEnospcAndShowsInDf) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--capacity", "1M"});
  const auto df = diofs_test::RunShell("df -P -B1 " + mount->mountpoint() + " | tail -1");
  EXPECT_NE(df.output.find(" 1048576 "), std::string::npos) << df.output;
  auto dd = diofs_test::RunShell("dd if=/dev/zero of=" + mount->Path("fill") + " bs=4096 count=300 oflag=direct");
  EXPECT_NE(dd.status, 0) << dd.output;
  EXPECT_NE(dd.output.find("No space left on device"), std::string::npos) << dd.output;
  EXPECT_EQ(std::filesystem::file_size(mount->Path("fill")), 1u << 20) << "exactly the capacity was written";
  ASSERT_EQ(unlink(mount->Path("fill").c_str()), 0);
  auto again = diofs_test::RunShell("dd if=/dev/zero of=" + mount->Path("again") + " bs=4096 count=10 oflag=direct");
  EXPECT_EQ(again.status, 0) << "space comes back with the unlink: " << again.output;
}

}  // namespace

namespace {

TEST(MountSimTest, CrashByControlFileAndBySignalDropsUnsyncedData) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--volatile"});
  const std::string file = mount->Path("db");
  const int fd = open(file.c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, "durable", 7, 0), 7);
  ASSERT_EQ(fsync(fd), 0);
  ASSERT_EQ(pwrite(fd, "LOST!!!", 7, 0), 7);
  EXPECT_NE(diofs_test::ReadText(mount->Path(".diofs/unsynced")).find("\"/db\""), std::string::npos);
  std::ofstream(mount->Path(".diofs/crash")) << "crash" << std::flush;
  char back[8] = {};
  // O_DIRECT read: the kernel's page cache must not answer for diofs.
  const int direct = open(file.c_str(), O_RDONLY | O_DIRECT);
  diofs_test::AlignedBuffer buffer(4096);
  ASSERT_EQ(pread(direct, buffer.data(), 4096, 0), 7);
  std::memcpy(back, buffer.data(), 7);
  EXPECT_STREQ(back, "durable");

  ASSERT_EQ(pwrite(fd, "again!!", 7, 0), 7);
  ASSERT_EQ(kill(mount->daemon_pid(), SIGUSR1), 0);
  // The signal is taken asynchronously: wait (with a deadline) until nothing is unsynced.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (diofs_test::ReadText(mount->Path(".diofs/unsynced")) != "{}\n" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(pread(direct, buffer.data(), 4096, 0), 7);
  std::memcpy(back, buffer.data(), 7);
  EXPECT_STREQ(back, "durable");
  close(direct);
  close(fd);
}

}  // namespace
