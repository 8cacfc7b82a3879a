// MountedDiofs: the RAII mount every integration test and the harness use.
#include "harness/mount/mounted_diofs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/fs/daemon/mount_test_util.h"

namespace {

TEST(MountedDiofsTest, UnmountLeavesNothingBehind) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  const std::string where = mount->mountpoint();
  auto status = mount->Unmount();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(diofs_test::ReadText("/proc/self/mounts").find(where), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(where));
}

TEST(MountedDiofsTest, AHungDaemonIsKilledAndItsMountDetached) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  const std::string where = mount->mountpoint();
  ASSERT_EQ(kill(mount->daemon_pid(), SIGSTOP), 0);
  auto status = mount->Unmount(std::chrono::milliseconds(500));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), ETIMEDOUT);
  EXPECT_EQ(diofs_test::ReadText("/proc/self/mounts").find(where), std::string::npos);
}

TEST(MountedDiofsTest, AFailedMountSaysWhyAndLeavesNothing) {
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << *reason;
  auto mount = dioh::MountedDiofs::Mount({"--profile", "nope"});
  ASSERT_FALSE(mount.ok());
  EXPECT_NE(mount.status().message().find("exit status 2"), std::string::npos) << mount.status().message();
  EXPECT_NE(mount.status().message().find("unknown profile 'nope'"), std::string::npos) << mount.status().message();
}

class SignalTest : public ::testing::TestWithParam<int> {};

TEST_P(SignalTest, SignalUnmountsAndExitsZero) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  const std::string where = mount->mountpoint();
  ASSERT_EQ(kill(mount->daemon_pid(), GetParam()), 0);
  auto status = mount->WaitForDaemonExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(diofs_test::ReadText("/proc/self/mounts").find(where + " "), std::string::npos)
      << "diofs must unmount itself on a signal";
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

// `diofs -f MNT &` in a script: the job starts with SIGINT ignored, which
// exec keeps; `kill -INT` must still unmount.
TEST(MountedDiofsTest, SigintUnmountsEvenWhenStartedIgnored) {
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGINT, &ignore, &old), 0);
  auto mounted = dioh::MountedDiofs::Mount({});
  sigaction(SIGINT, &old, nullptr);
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << *reason;
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  auto& mount = *mounted;
  ASSERT_EQ(kill(mount->daemon_pid(), SIGINT), 0);
  auto status = mount->WaitForDaemonExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 0);
}

// kill -9 of diofs: auto_unmount takes the mount away, nothing is left dead.
TEST(MountedDiofsTest, AKilledDaemonLeavesNoMount) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  const std::string where = mount->mountpoint() + " ";
  ASSERT_EQ(kill(mount->daemon_pid(), SIGKILL), 0);
  ASSERT_FALSE(mount->WaitForDaemonExit(std::chrono::seconds(10)).ok());  // killed: no exit status
  // The unmount is fusermount3's, in another process: wait for the mount
  // table to change (proc(5): /proc/PID/mounts turns POLLPRI on a change).
  const int table = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(table, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (diofs_test::ReadText("/proc/self/mounts").find(where) != std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    char drain[4096];
    while (read(table, drain, sizeof drain) > 0) {
    }
    pollfd change{table, POLLPRI, 0};
    poll(&change, 1, 1000);
  }
  close(table);
  EXPECT_EQ(diofs_test::ReadText("/proc/self/mounts").find(where), std::string::npos)
      << "a killed diofs left its mount behind";
}

TEST(MountedDiofsTest, PathsAreInsideTheMount) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  EXPECT_EQ(mount->Path("a/b"), mount->mountpoint() + "/a/b");
  EXPECT_TRUE(std::filesystem::exists(mount->Path(".diofs/stats")));
}

}  // namespace
