// Access control through a real mount: diofs never gives another user more
// than the kernel would on a real filesystem. The mount runs as root (as CI
// does) and the other user is uid 65534, reached through setpriv(1); one
// test mounts as that user instead.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/fs/daemon/mount_test_util.h"

namespace diofs_test {
namespace {

constexpr uid_t kOther = 65534;  // nobody: no groups, no privileges

std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `script` run by /bin/sh as uid and gid 65534, without supplementary groups.
CommandResult AsOther(const std::string& script) {
  return RunShell("setpriv --reuid=" + std::to_string(kOther) + " --regid=" + std::to_string(kOther) +
                  " --clear-groups -- sh -c " + Quoted(script));
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Folders above a mount made by MountedDiofs are private (0700): open the
// way down to it, as an administrator would for a shared mount.
void OpenWayTo(const dioh::MountedDiofs& mount) {
  ASSERT_EQ(chmod(std::filesystem::path(mount.mountpoint()).parent_path().c_str(), 0755), 0);
}

#define SKIP_UNLESS_ROOT()                                                                     \
  if (geteuid() != 0) GTEST_SKIP() << "acting as another user needs root (CI runs as root)"

TEST(MountAccessTest, WithoutAllowOtherOnlyTheMounterGetsIn) {
  SKIP_UNLESS_ROOT();
  DIOFS_MOUNT_OR_SKIP(mount, {});
  OpenWayTo(*mount);
  std::ofstream(mount->Path("file")) << "root's";
  const CommandResult r = AsOther("ls " + mount->mountpoint());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("Permission denied"), std::string::npos) << r.output;
}

class AllowOtherTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    SKIP_UNLESS_ROOT();
    std::vector<std::string> args = {"--allow-other"};
    if (GetParam() == "passthrough") {
      backing_ = std::filesystem::temp_directory_path() / ("diofs-access-" + std::to_string(getpid()));
      std::filesystem::create_directories(backing_);
      args.push_back("--backend=passthrough:" + backing_.string());
    }
    DIOFS_MOUNT_OR_SKIP(m, args);
    mount_ = std::move(m);
    OpenWayTo(*mount_);
    mnt_ = mount_->mountpoint();
  }
  void TearDown() override {
    mount_.reset();
    if (!backing_.empty()) std::filesystem::remove_all(backing_);
  }
  // `ls -ln`-style owner and mode of a path, through the mount ("65534:65534:644").
  std::string OwnerAndMode(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return "missing";
    char text[64];
    std::snprintf(text, sizeof text, "%u:%u:%o", st.st_uid, st.st_gid, st.st_mode & 07777);
    return text;
  }
  // Root prepares: a private file, a sticky world-writable folder, and
  // world-writable set-uid-root files.
  void RootPrepares() {
    const CommandResult r = RunShell("cd " + mnt_ +
                                     " && echo secret > secret && chmod 600 secret"
                                     " && mkdir pub && chmod 1777 pub && echo hi > pub/roots"
                                     " && printf x > pub/tool && chmod 4777 pub/tool"
                                     " && printf x > pub/tool2 && chmod 6777 pub/tool2");
    ASSERT_EQ(r.status, 0) << r.output;
  }

  std::filesystem::path backing_;
  std::unique_ptr<dioh::MountedDiofs> mount_;
  std::string mnt_;
};

TEST_P(AllowOtherTest, AnotherUserIsRefusedWhatTheModesRefuse) {
  RootPrepares();
  for (const char* script : {
           "cat secret",                   // 0600 root
           "echo x >> secret",             // no write permission
           "rm -f secret",                 // the root folder is root's, 0755
           "touch newfile",                // same
           "rm -f pub/roots",              // sticky folder, root's file
           "mv pub/roots pub/mine",        // same
           "chmod 666 secret",             // not the owner
           "chown 65534 secret",           // chown needs CAP_CHOWN
           "echo '[]' > .diofs/faults",    // control files: the mount owner's
           "echo tmpfs > .diofs/profile",
           "echo forged > .diofs/mark",
           "echo '{}' > .diofs/violation",
           "echo crash > .diofs/crash",
       }) {
    const CommandResult r = AsOther("cd " + mnt_ + " && " + std::string(script));
    EXPECT_NE(r.status, 0) << "uid 65534 could: " << script;
  }
  EXPECT_EQ(ReadText(mount_->Path("secret")), "secret\n");
  EXPECT_EQ(ReadText(mount_->Path("pub/roots")), "hi\n");
  EXPECT_EQ(AsOther("cat " + mnt_ + "/.diofs/stats > /dev/null").status, 0);  // reading is allowed
  EXPECT_EQ(Stats(*mount_)["ops"].value("marker", 0), 0);  // no forged marker reached the log
  EXPECT_EQ(Stats(*mount_)["ops"].value("violation", 0), 0);
}

TEST_P(AllowOtherTest, AnotherUsersFilesAreItsOwnAndNeverRoots) {
  RootPrepares();
  const CommandResult r = AsOther("cd " + mnt_ + "/pub && echo mine > mine && chmod 4755 mine && mkdir -m 2750 dir");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/mine"), "65534:65534:4755");
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/dir"), "65534:65534:2750");
  EXPECT_NE(AsOther("chown 0 " + mnt_ + "/pub/mine").status, 0);
  if (!backing_.empty()) {
    // The real files carry the same owner: a set-uid file in the backing
    // folder belongs to whoever made it, never to root.
    struct stat st {};
    ASSERT_EQ(stat((backing_ / "pub" / "mine").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kOther);
    EXPECT_EQ(st.st_mode & 07777, 04755u);
  }
}

TEST_P(AllowOtherTest, WritesByAnotherUserDropSetIdBits) {
  RootPrepares();
  // O_DIRECT: the write reaches diofs as FOPEN_DIRECT_IO, which the kernel
  // does not clear for us; buffered: the kernel asks diofs with a setattr.
  CommandResult r = AsOther("dd if=/dev/zero of=" + mnt_ + "/pub/tool bs=4096 count=1 oflag=direct conv=notrunc");
  ASSERT_EQ(r.status, 0) << r.output;
  r = AsOther("echo more >> " + mnt_ + "/pub/tool2");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/tool"), "0:0:777");
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/tool2"), "0:0:777");
  if (!backing_.empty()) {
    struct stat st {};
    ASSERT_EQ(stat((backing_ / "pub" / "tool").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0777u);
  }
  // Root's own write keeps them, as on ext4 (CAP_FSETID).
  ASSERT_EQ(RunShell("chmod 4777 " + mnt_ + "/pub/tool && echo r >> " + mnt_ + "/pub/tool").status, 0);
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/tool"), "0:0:4777");
  // chown drops them too, root's included.
  ASSERT_EQ(RunShell("chown 65534:65534 " + mnt_ + "/pub/tool").status, 0);
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/tool"), "65534:65534:777");
}

// The errno of setxattr(path, "user.k") made by uid 65534 (0 when it works),
// from a forked child: no shell tool for xattrs is installed everywhere.
int SetXattrAsOther(const std::string& path) {
  const pid_t child = fork();
  if (child == 0) {
    if (setgroups(0, nullptr) != 0 || setresgid(kOther, kOther, kOther) != 0 || setresuid(kOther, kOther, kOther) != 0) {
      _exit(255);
    }
    _exit(setxattr(path.c_str(), "user.k", "1", 1, 0) == 0 ? 0 : errno);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST_P(AllowOtherTest, LinksAndSpecialFilesBelongToWhoeverMadeThem) {
  RootPrepares();
  const CommandResult r = AsOther("cd " + mnt_ + "/pub && ln -s ../secret link && mkfifo -m 640 fifo"
                                  " && echo x > mine && ln mine mine2");
  ASSERT_EQ(r.status, 0) << r.output;
  struct stat st {};
  ASSERT_EQ(lstat((mnt_ + "/pub/link").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kOther);
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/fifo"), "65534:65534:640");
  // A hard link is another name of the node: root's link keeps the owner.
  ASSERT_EQ(RunShell("ln " + mnt_ + "/pub/mine " + mnt_ + "/pub/roots-link").status, 0);
  EXPECT_EQ(OwnerAndMode(mnt_ + "/pub/roots-link"), "65534:65534:644");
  EXPECT_EQ(SetXattrAsOther(mnt_ + "/pub/mine"), 0);
  // The kernel checks the rest: no link to root's private file
  // (protected_hardlinks), no xattr on a file one may not write, and a link
  // opens nothing its target's modes refuse.
  EXPECT_NE(AsOther("ln " + mnt_ + "/secret " + mnt_ + "/pub/stolen").status, 0);
  EXPECT_EQ(SetXattrAsOther(mnt_ + "/pub/roots"), EACCES);
  EXPECT_NE(AsOther("cat " + mnt_ + "/pub/link").status, 0);
  if (!backing_.empty()) {
    ASSERT_EQ(lstat((backing_ / "pub" / "fifo").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kOther);  // on the real node too
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AllowOtherTest, ::testing::Values("mem", "passthrough"));

// A service that checks who owns its data folder (a database server
// refuses one it does not own) runs on diofs as on the local filesystem.
TEST(MountAccessTest, ServiceUserOwnsItsDataFolderAsOnExt4) {
  SKIP_UNLESS_ROOT();
  DIOFS_MOUNT_OR_SKIP(mount, {"--allow-other"});
  OpenWayTo(*mount);
  const std::string local = std::filesystem::temp_directory_path() / ("diofs-local-" + std::to_string(getpid()));
  const auto service = [](const std::string& base) {
    // Root provisions the service's folder, the service makes and checks its data folder.
    const CommandResult setup = RunShell("mkdir -p " + base + "/srv && chown 65534:65534 " + base + "/srv");
    EXPECT_EQ(setup.status, 0) << setup.output;
    return AsOther("cd " + base + "/srv && mkdir -m 700 data && chown 65534:65534 data && touch data/PG_VERSION"
                   " && stat -c '%U %G %a' data data/PG_VERSION && test -O data && echo owned");
  };
  const CommandResult on_diofs = service(mount->mountpoint());
  const CommandResult on_local = service(local);
  std::filesystem::remove_all(local);
  EXPECT_EQ(on_local.status, 0) << on_local.output;
  EXPECT_EQ(on_diofs.status, 0) << on_diofs.output;
  EXPECT_EQ(on_diofs.output, on_local.output);
  EXPECT_EQ(Trim(on_diofs.output), "nobody nogroup 700\nnobody nogroup 644\nowned");
}

TEST(MountAccessTest, NormalUserMountsAndOwnsItsFiles) {
  SKIP_UNLESS_ROOT();
  if (auto fuse_unusable = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << *fuse_unusable;
  struct stat dev {};
  if (stat("/dev/fuse", &dev) != 0 || (dev.st_mode & 0006) != 0006) {
    GTEST_SKIP() << "/dev/fuse is not open to other users here (mode " << std::oct << (dev.st_mode & 0777)
                 << "): only root can mount FUSE; Debian's udev makes it 0666 (.ci/run does the same)";
  }
  auto mounted = dioh::MountedDiofs::Mount({}, std::chrono::seconds(10), dioh::DaemonUser{kOther, kOther});
  ASSERT_TRUE(mounted.ok()) << mounted.status().ToString();
  auto& mount = *mounted;
  OpenWayTo(*mount);
  const CommandResult made = AsOther("echo x > " + mount->Path("f") + " && stat -c '%u %g' " + mount->Path("f"));
  ASSERT_EQ(made.status, 0) << made.output;
  EXPECT_EQ(Trim(made.output), "65534 65534");
  // Without allow_other the kernel keeps everyone else out, root included.
  struct stat st {};
  EXPECT_NE(stat(mount->Path("f").c_str(), &st), 0);
  EXPECT_EQ(errno, EACCES);
  EXPECT_TRUE(mount->Unmount().ok());

  // allow_other needs user_allow_other in /etc/fuse.conf, and diofs says so.
  if (ReadText("/etc/fuse.conf").find("\nuser_allow_other") != std::string::npos) return;
  auto refused = dioh::MountedDiofs::Mount({"--allow-other"}, std::chrono::seconds(10), dioh::DaemonUser{kOther, kOther});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("user_allow_other"), std::string::npos) << refused.status().message();
}

}  // namespace
}  // namespace diofs_test
