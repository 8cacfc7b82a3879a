// The POSIX calls test suites make in a TMPDIR, through a real mount on both
// backends: symlinks, hard links, FIFOs, unix sockets, xattrs, rename flags,
// fallocate modes, utimensat, statfs, and listings without .diofs.
#include <dirent.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "tests/fs/daemon/mount_test_util.h"

namespace diofs_test {
namespace {

class MountPosixTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<std::string> args;
    if (GetParam() == "passthrough") {
      backing_ = std::filesystem::temp_directory_path() / ("diofs-posix-" + std::to_string(getpid()));
      std::filesystem::create_directories(backing_);
      args.push_back("--backend=passthrough:" + backing_.string());
    }
    DIOFS_MOUNT_OR_SKIP(m, args);
    mount_ = std::move(m);
  }
  void TearDown() override {
    mount_.reset();
    if (!backing_.empty()) std::filesystem::remove_all(backing_);
  }
  std::string P(const std::string& name) const { return mount_->Path(name); }

  std::filesystem::path backing_;
  std::unique_ptr<dioh::MountedDiofs> mount_;
};

TEST_P(MountPosixTest, SymlinksPointAnywhereAndTheKernelFollowsThem) {
  std::ofstream(P("target")) << "inside";
  ASSERT_EQ(symlink("target", P("rel").c_str()), 0);
  ASSERT_EQ(symlink("/etc/os-release", P("abs").c_str()), 0);
  ASSERT_EQ(symlink("missing", P("dangling").c_str()), 0);
  char buffer[256] = {};
  ASSERT_EQ(readlink(P("rel").c_str(), buffer, sizeof buffer), 6);
  EXPECT_STREQ(buffer, "target");
  EXPECT_EQ(ReadText(P("rel")), "inside");
  EXPECT_EQ(ReadText(P("abs")), ReadText("/etc/os-release"));  // as on any filesystem
  struct stat st {};
  ASSERT_EQ(lstat(P("abs").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(st.st_size, 15);
  EXPECT_NE(stat(P("dangling").c_str(), &st), 0);
  EXPECT_EQ(errno, ENOENT);
  ASSERT_EQ(unlink(P("rel").c_str()), 0);
  EXPECT_EQ(ReadText(P("target")), "inside");
  if (!backing_.empty()) {
    EXPECT_EQ(std::filesystem::read_symlink(backing_ / "abs"), "/etc/os-release");  // a real link in the folder
  }
}

TEST_P(MountPosixTest, HardLinksShareInodeDataAndCount) {
  std::ofstream(P("a")) << "first";
  ASSERT_EQ(mkdir(P("d").c_str(), 0755), 0);
  ASSERT_EQ(link(P("a").c_str(), P("d/b").c_str()), 0);
  struct stat a {}, b {};
  ASSERT_EQ(stat(P("a").c_str(), &a), 0);
  ASSERT_EQ(stat(P("d/b").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_nlink, 2u);
  std::ofstream(P("d/b"), std::ios::app) << "+second";
  EXPECT_EQ(ReadText(P("a")), "first+second");
  ASSERT_EQ(unlink(P("a").c_str()), 0);
  ASSERT_EQ(stat(P("d/b").c_str(), &b), 0);
  EXPECT_EQ(b.st_nlink, 1u);
  EXPECT_EQ(ReadText(P("d/b")), "first+second");
  EXPECT_NE(link(P("d").c_str(), P("dirlink").c_str()), 0);
  EXPECT_EQ(errno, EPERM);
  // The folder counts its subfolders, as ext4 does (find relies on it).
  ASSERT_EQ(mkdir(P("d/sub").c_str(), 0755), 0);
  struct stat d {};
  ASSERT_EQ(stat(P("d").c_str(), &d), 0);
  EXPECT_EQ(d.st_nlink, 3u);
}

TEST_P(MountPosixTest, FifoCarriesDataBetweenTwoOpeners) {
  ASSERT_EQ(mkfifo(P("fifo").c_str(), 0600), 0);
  struct stat st {};
  ASSERT_EQ(stat(P("fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  auto reader = std::async(std::launch::async, [&] { return ReadText(P("fifo")); });
  {
    std::ofstream writer(P("fifo"));  // opens once the reader has: the kernel's pipe, not diofs
    writer << "through the pipe";
  }
  ASSERT_EQ(reader.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reader.get(), "through the pipe");
}

TEST_P(MountPosixTest, UnixSocketBindsAndConnects) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = P("sock");
  ASSERT_LT(path.size(), sizeof address.sun_path);
  std::copy(path.begin(), path.end(), address.sun_path);
  const int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << std::strerror(errno);
  ASSERT_EQ(listen(server, 1), 0);
  const int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << std::strerror(errno);
  const int accepted = accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  ASSERT_EQ(write(client, "ping", 4), 4);
  char got[4] = {};
  ASSERT_EQ(read(accepted, got, 4), 4);
  EXPECT_EQ(std::string(got, 4), "ping");
  for (int fd : {accepted, client, server}) close(fd);
  struct stat st {};
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  ASSERT_EQ(unlink(path.c_str()), 0);
}

TEST_P(MountPosixTest, XattrCallsAnswerAsOnExt4) {
  std::ofstream(P("f")) << "x";
  const std::string f = P("f");
  char value[64] = {};
  EXPECT_EQ(getxattr(f.c_str(), "user.k", value, sizeof value), -1);
  EXPECT_EQ(errno, ENODATA);
  ASSERT_EQ(setxattr(f.c_str(), "user.k", "value", 5, XATTR_CREATE), 0) << std::strerror(errno);
  EXPECT_EQ(setxattr(f.c_str(), "user.k", "v", 1, XATTR_CREATE), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(setxattr(f.c_str(), "user.none", "v", 1, XATTR_REPLACE), -1);
  EXPECT_EQ(errno, ENODATA);
  EXPECT_EQ(getxattr(f.c_str(), "user.k", nullptr, 0), 5);  // size query
  EXPECT_EQ(getxattr(f.c_str(), "user.k", value, 2), -1);
  EXPECT_EQ(errno, ERANGE);
  ASSERT_EQ(getxattr(f.c_str(), "user.k", value, sizeof value), 5);
  EXPECT_EQ(std::string(value, 5), "value");
  ASSERT_EQ(setxattr(f.c_str(), "user.second", "", 0, 0), 0);
  char names[128] = {};
  const ssize_t listed = listxattr(f.c_str(), names, sizeof names);
  ASSERT_GT(listed, 0);
  std::string list(names, static_cast<std::size_t>(listed));
  EXPECT_NE(list.find(std::string("user.k\0", 7)), std::string::npos) << list;
  EXPECT_NE(list.find(std::string("user.second\0", 12)), std::string::npos) << list;
  EXPECT_EQ(listxattr(f.c_str(), names, 3), -1);
  EXPECT_EQ(errno, ERANGE);
  ASSERT_EQ(removexattr(f.c_str(), "user.k"), 0);
  EXPECT_EQ(removexattr(f.c_str(), "user.k"), -1);
  EXPECT_EQ(errno, ENODATA);
  EXPECT_EQ(setxattr(f.c_str(), "bogus.k", "v", 1, 0), -1);
  EXPECT_EQ(errno, EOPNOTSUPP);
  ASSERT_EQ(mkdir(P("d").c_str(), 0755), 0);
  ASSERT_EQ(setxattr(P("d").c_str(), "user.dir", "1", 1, 0), 0);
  EXPECT_EQ(getxattr(P("d").c_str(), "user.dir", value, sizeof value), 1);
}

TEST_P(MountPosixTest, RenameFlags) {
  std::ofstream(P("a")) << "A";
  std::ofstream(P("b")) << "B";
  EXPECT_EQ(renameat2(AT_FDCWD, P("a").c_str(), AT_FDCWD, P("b").c_str(), RENAME_NOREPLACE), -1);
  EXPECT_EQ(errno, EEXIST);
  ASSERT_EQ(renameat2(AT_FDCWD, P("a").c_str(), AT_FDCWD, P("b").c_str(), RENAME_EXCHANGE), 0);
  EXPECT_EQ(ReadText(P("a")), "B");
  EXPECT_EQ(ReadText(P("b")), "A");
  ASSERT_EQ(renameat2(AT_FDCWD, P("a").c_str(), AT_FDCWD, P("c").c_str(), RENAME_NOREPLACE), 0);
  EXPECT_EQ(ReadText(P("c")), "B");
  EXPECT_EQ(renameat2(AT_FDCWD, P("c").c_str(), AT_FDCWD, P("none").c_str(), RENAME_EXCHANGE), -1);
  EXPECT_EQ(errno, ENOENT);
}

TEST_P(MountPosixTest, FallocateModes) {
  const int fd = open(P("f").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  const std::string data(16384, 'x');
  ASSERT_EQ(pwrite(fd, data.data(), data.size(), 0), 16384);
  ASSERT_EQ(fallocate(fd, 0, 16384, 4096), 0);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 20480);
  ASSERT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 20480, 4096), 0);
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 20480);
  ASSERT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), 0);
  char head[4096];
  ASSERT_EQ(pread(fd, head, sizeof head, 0), 4096);
  EXPECT_EQ(std::string(head, 4096), std::string(4096, '\0'));
  EXPECT_EQ(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096), -1);  // FUSE passes no other modes
  EXPECT_EQ(errno, EOPNOTSUPP);
  if (fallocate(fd, FALLOC_FL_ZERO_RANGE, 4096, 4096) == 0) {
    ASSERT_EQ(pread(fd, head, sizeof head, 4096), 4096);
    EXPECT_EQ(std::string(head, 4096), std::string(4096, '\0'));
  } else {
    EXPECT_TRUE(GetParam() == "passthrough" && errno == EOPNOTSUPP) << std::strerror(errno);  // tmpfs backing
  }
  close(fd);
}

TEST_P(MountPosixTest, UtimensatKeepsNanosecondsAndOmits) {
  std::ofstream(P("f")) << "x";
  const timespec set[2] = {{1000000000, 111}, {1200000000, 222222222}};
  ASSERT_EQ(utimensat(AT_FDCWD, P("f").c_str(), set, 0), 0);
  struct stat st {};
  ASSERT_EQ(stat(P("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_atim.tv_sec, 1000000000);
  EXPECT_EQ(st.st_atim.tv_nsec, 111);
  EXPECT_EQ(st.st_mtim.tv_sec, 1200000000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 222222222);
  const timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  ASSERT_EQ(utimensat(AT_FDCWD, P("f").c_str(), omit_now, 0), 0);
  ASSERT_EQ(stat(P("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_atim.tv_sec, 1000000000);
  EXPECT_GT(st.st_mtim.tv_sec, 1600000000);
  ASSERT_EQ(symlink("f", P("l").c_str()), 0);
  ASSERT_EQ(utimensat(AT_FDCWD, P("l").c_str(), set, AT_SYMLINK_NOFOLLOW), 0);
  ASSERT_EQ(lstat(P("l").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1200000000);
  ASSERT_EQ(stat(P("f").c_str(), &st), 0);
  EXPECT_GT(st.st_mtim.tv_sec, 1600000000);  // the target kept its own
}

TEST_P(MountPosixTest, StatfsAndListingsWithoutTheControlFolder) {
  struct statvfs vfs {};
  ASSERT_EQ(statvfs(mount_->mountpoint().c_str(), &vfs), 0);
  EXPECT_EQ(vfs.f_namemax, 255u);
  EXPECT_GT(vfs.f_blocks, 0u);
  if (!backing_.empty()) {
    struct statvfs host {};
    ASSERT_EQ(statvfs(backing_.c_str(), &host), 0);
    EXPECT_EQ(vfs.f_blocks * vfs.f_frsize, host.f_blocks * host.f_frsize);
  }
  std::ofstream(P("visible")) << "x";
  // A suite that walks or cleans its TMPDIR never meets .diofs ...
  const CommandResult walk = RunShell("cd " + mount_->mountpoint() + " && ls -A && find . | sort");
  EXPECT_EQ(walk.status, 0);
  EXPECT_EQ(walk.output, "visible\n.\n./visible\n");
  const CommandResult clean = RunShell("rm -rf " + mount_->mountpoint() + "/* " + mount_->mountpoint() + "/.[!.]*");
  EXPECT_EQ(clean.status, 0) << clean.output;
  // ... yet it is there for whoever names it.
  EXPECT_TRUE(std::filesystem::exists(P(".diofs/stats")));
}

INSTANTIATE_TEST_SUITE_P(Backends, MountPosixTest, ::testing::Values("mem", "passthrough"));

}  // namespace
}  // namespace diofs_test
