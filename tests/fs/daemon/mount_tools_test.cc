// Ordinary tools on a mount, and diofs' answers to bad input.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/fs/daemon/mount_test_util.h"

namespace {

using diofs_test::RunShell;

TEST(MountToolsTest, CoreutilsAndDdWork) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  const std::string m = mount->mountpoint();
  auto cp = RunShell("cp /etc/os-release " + m + "/copy && cmp /etc/os-release " + m + "/copy");
  EXPECT_EQ(cp.status, 0) << cp.output;
  auto mv = RunShell("mkdir " + m + "/dir && mv " + m + "/copy " + m + "/dir/moved && ls -l " + m + "/dir");
  EXPECT_EQ(mv.status, 0) << mv.output;
  EXPECT_NE(mv.output.find("moved"), std::string::npos) << mv.output;
  auto rm = RunShell("rm " + m + "/dir/moved && rmdir " + m + "/dir && ls -A " + m);
  EXPECT_EQ(rm.status, 0) << rm.output;
  EXPECT_EQ(rm.output, "");
  auto df = RunShell("df -P " + m);
  EXPECT_EQ(df.status, 0) << df.output;
  EXPECT_NE(df.output.find("diofs"), std::string::npos) << df.output;

  auto good = RunShell("dd if=/dev/zero of=" + m + "/dd bs=4096 count=8 oflag=direct");
  EXPECT_EQ(good.status, 0) << good.output;
  auto bad = RunShell("dd if=/dev/zero of=" + m + "/dd bs=100 count=1 oflag=direct");
  EXPECT_NE(bad.status, 0) << bad.output;
  EXPECT_NE(bad.output.find("Invalid argument"), std::string::npos) << bad.output;
}

// What a user watching `diofs -f -v` sees: a line per refused I/O, and the
// reason of a refused control write.
TEST(MountToolsTest, ForegroundDiofsSaysWhatItRefused) {
  DIOFS_MOUNT_OR_SKIP(mount, {"-v", "--profile", "strict-4k"});
  const int fd = open(mount->Path("f").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  diofs_test::AlignedBuffer buffer(4096);
  EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 4096), 4096);
  EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 512), -1);
  close(fd);
  const auto echo = RunShell("echo bogus > " + mount->Path(".diofs/profile"));
  EXPECT_NE(echo.status, 0);
  const std::string err = mount->DaemonStderr();
  const std::string thread = "thread " + std::to_string(gettid()) + " of process " + std::to_string(getpid());
  EXPECT_NE(err.find("diofs: refused O_DIRECT write of 4096 bytes at offset 512 to /f: offset_align (strict-4k wants "
                     "offsets and lengths in multiples of 4096), " + thread),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("at offset 4096"), std::string::npos) << err;  // an accepted write says nothing
  EXPECT_NE(err.find("diofs: control write refused: profile: unknown profile 'bogus'"), std::string::npos) << err;
}

// `diofs -f` without -v: the first refusal, with the hint, and no more.
TEST(MountToolsTest, ForegroundDiofsWithoutVerboseSaysTheFirstRefusal) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});  // the harness runs diofs -f
  const int fd = open(mount->Path("f").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  diofs_test::AlignedBuffer buffer(4096);
  EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 512), -1);
  EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 1024), -1);
  close(fd);
  const std::string err = mount->DaemonStderr();
  EXPECT_NE(err.find("diofs: refused O_DIRECT write of 4096 bytes at offset 512 to /f: offset_align"), std::string::npos)
      << err;
  EXPECT_NE(err.find("(the first; diofs -v prints every one)\n"), std::string::npos) << err;
  EXPECT_EQ(err.find("at offset 1024"), std::string::npos) << err;
}

// Bad input: one line naming the problem, exit status 2, nothing mounted.
struct BadInput {
  const char* name;
  std::vector<std::string> args;  // "MNT" stands for a fresh, empty folder
  const char* message;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }  // gtest's name for the case

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OneLineExitTwoNothingMounted) {
  const BadInput& input = GetParam();
  const auto dir = std::filesystem::temp_directory_path() / ("diofs-bad-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "mnt");
  std::ofstream(dir / "file") << "x";
  std::string command = dioh::MountedDiofs::DiofsBinary();
  for (std::string arg : input.args) {
    if (arg.find("MNT") != std::string::npos) arg.replace(arg.find("MNT"), 3, (dir / "mnt").string());
    if (arg.find("FILE") != std::string::npos) arg.replace(arg.find("FILE"), 4, (dir / "file").string());
    command += " '" + arg + "'";
  }
  const auto result = RunShell(command);
  const bool mounted = diofs_test::ReadText("/proc/self/mounts").find(dir.string()) != std::string::npos;
  if (mounted) RunShell("fusermount3 -u " + (dir / "mnt").string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_FALSE(mounted);
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  EXPECT_NE(result.output.find(input.message), std::string::npos) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Diofs, BadInputTest,
    ::testing::Values(BadInput{"unknown_profile", {"--profile", "ext5", "MNT"}, "unknown profile 'ext5'"},
                      BadInput{"not_power_of_two", {"--dio-align", "3000", "MNT"}, "alignment 3000 is not a power of two"},
                      BadInput{"missing_mountpoint", {"MNT/nope"}, "No such file or directory"},
                      BadInput{"mountpoint_is_a_file", {"FILE"}, "is not a folder"},
                      BadInput{"missing_backing_folder", {"--backend", "passthrough:MNT/nope", "MNT"},
                               "backing folder"},
                      BadInput{"unknown_backend", {"--backend", "disk", "MNT"}, "backend must be"},
                      BadInput{"unknown_option", {"--colour", "MNT"}, "colour"},
                      BadInput{"bad_policy", {"--on-violation", "ignore", "MNT"}, "on-violation must be"},
                      BadInput{"unwritable_log", {"--log", "MNT/nope/ops.log", "MNT"}, "op log"},
                      BadInput{"log_inside_mount", {"--log", "MNT/ops.log", "MNT"}, "must be outside the mountpoint"},
                      BadInput{"log_data_without_log", {"--log-data", "MNT"}, "--log-data needs --log"},
                      BadInput{"unknown_device", {"--device", "floppy", "MNT"}, "--device"},
                      BadInput{"missing_faults_file", {"--faults", "MNT/none.json", "MNT"}, "cannot read"},
                      BadInput{"bad_faults_file", {"--faults", "FILE", "MNT"}, "--faults"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(MountToolsTest, BusyMountpointIsRefused) {
  DIOFS_MOUNT_OR_SKIP(mount, {});
  const auto result = RunShell(dioh::MountedDiofs::DiofsBinary() + " " + mount->mountpoint());
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_NE(result.output.find("is busy"), std::string::npos) << result.output;
  const std::string mounts = diofs_test::ReadText("/proc/self/mounts");
  const auto first = mounts.find(mount->mountpoint());
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(mounts.find(mount->mountpoint(), first + 1), std::string::npos) << "mounted twice";
}

}  // namespace
