// make install, then the installed diofs as users of FUSE filesystems mount
// it: mount -t fuse.diofs, an fstab line through mount -a -T, umount.
//
// mount(8) runs mount.fuse3 without a PATH (its sh(1) then looks in
// /usr/local/bin, /usr/bin ...), so the installed diofs must be in one of
// those. The test installs into a temporary DESTDIR with PREFIX /usr/local
// and, in a private mount namespace (unshare(1)), binds DESTDIR's
// usr/local/bin over /usr/local/bin: mount finds exactly what was installed,
// and neither the machine's /usr/local nor its mount table is touched.
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "fs/oplog/log_reader.h"
#include "harness/mount/mounted_diofs.h"

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult RunShell(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("diofs-install-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    dest_ = dir_ / "dest";
    const CommandResult install = RunShell("make -C " + std::string(SOURCE_DIR) + " install BUILD=" +
                                           std::string(BUILD_DIR) + " DESTDIR=" + dest_.string() + " PREFIX=/usr/local");
    ASSERT_EQ(install.status, 0) << install.output;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Installed(const std::string& relative) const { return dest_ / "usr/local" / relative; }

  fs::path dir_, dest_;
};

TEST_F(InstallTest, MakeInstallPutsProgramsLibraryAndManPagesUnderThePrefix) {
  for (const char* program : {"bin/diofs", "bin/dioharness", "bin/mrmigrate", "bin/diocheck_run"}) {
    EXPECT_EQ(access(Installed(program).c_str(), X_OK), 0) << program;
  }
  EXPECT_TRUE(fs::is_regular_file(Installed("lib/libdiocheck.so")));
  EXPECT_TRUE(fs::is_regular_file(Installed("share/man/man1/diofs.1")));
  EXPECT_TRUE(fs::is_regular_file(Installed("share/man/man1/dioharness.1")));
  // The installed diocheck_run finds the installed library beside it.
  const CommandResult preload = RunShell(Installed("bin/diocheck_run").string() + " -- sh -c 'echo $LD_PRELOAD'");
  EXPECT_EQ(preload.status, 0) << preload.output;
  EXPECT_EQ(preload.output, Installed("lib/libdiocheck.so").string() + "\n");
  EXPECT_NE(RunShell(Installed("bin/diofs").string() + " --help").output.find("fuse.diofs"), std::string::npos);
}

// Waits (inotify, with a deadline) until the op log at `path` has its
// trailer: the daemon, daemonized by mount, closed it on its way out.
bool WaitForClosedLog(const fs::path& path, std::chrono::milliseconds timeout) {
  const int watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch < 0) return false;
  inotify_add_watch(watch, path.parent_path().c_str(), IN_CLOSE_WRITE);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool closed = false;
  while (!closed) {
    auto log = diofs::oplog::ReadLogFile(path.string());
    closed = log.ok() && log->trailer.has_value();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (closed || left.count() <= 0) break;
    pollfd event{watch, POLLIN, 0};
    if (poll(&event, 1, static_cast<int>(left.count())) > 0) {
      char drain[4096];
      while (read(watch, drain, sizeof drain) > 0) {
      }
    }
  }
  close(watch);
  return closed;
}

TEST_F(InstallTest, MountTypeFuseDiofsAndAnFstabLineUseTheInstalledDiofs) {
  if (auto unusable = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE is unusable here: " << *unusable;
  if (RunShell("unshare --mount --propagation private true").status != 0) {
    GTEST_SKIP() << "no private mount namespace here (unshare --mount needs CAP_SYS_ADMIN)";
  }
  const std::string d = dir_.string();
  fs::create_directories(dir_ / "mnt");
  fs::create_directories(dir_ / "fstab-mnt");
  std::ofstream(dir_ / "fstab") << "# diofs as an fstab line\n"
                                << "none " << d << "/fstab-mnt fuse.diofs profile=xfs-4k,device=nvme\\,seed=7,log="
                                << d << "/fstab.log,nosuid 0 0\n";
  // Every mount lives and dies in the namespace; whatever a failed step
  // left is detached at the end, so that the daemons see their mounts go and exit.
  std::ofstream(dir_ / "steps.sh")
      << "(\n"
      << "set -e\n"
      << "mount --bind " << Installed("bin").string() << " /usr/local/bin\n"
      << "echo '== mount -t'\n"
      << "mount -t fuse.diofs none " << d << "/mnt -o profile=ext4-512,log=" << d << "/mount.log\n"
      << "grep ' " << d << "/mnt ' /proc/self/mountinfo | grep -o ' - fuse.diofs [^ ]*'\n"
      << "cat " << d << "/mnt/.diofs/profile\n"
      << "dd if=/dev/zero of=" << d << "/mnt/ok bs=512 count=2 oflag=direct status=none && echo 'ok 1024'\n"
      << "dd if=/dev/zero of=" << d << "/mnt/no bs=100 count=1 oflag=direct status=none || echo 'refused 100'\n"
      << "umount " << d << "/mnt\n"
      << "echo '== fstab'\n"
      << "mount -a -T " << d << "/fstab\n"
      << "cat " << d << "/fstab-mnt/.diofs/profile\n"
      << "umount " << d << "/fstab-mnt\n"
      << "echo '== bad option'\n"
      << "if mount -t fuse.diofs none " << d << "/mnt -o profile=ext4-512,profle=tmpfs; then echo mounted; fi\n"
      << "grep ' " << d << "/' /proc/self/mountinfo | grep fuse.diofs || true\n"
      << "); status=$?\n"
      << "umount -l " << d << "/mnt " << d << "/fstab-mnt 2>/dev/null\n"
      << "exit $status\n";
  const CommandResult r = RunShell("unshare --mount --propagation private sh " + d + "/steps.sh");
  ASSERT_EQ(r.status, 0) << r.output;
  // The source ("none") is ignored: the mount is named diofs, of type fuse.diofs.
  EXPECT_NE(r.output.find("== mount -t\n - fuse.diofs diofs\n{\"dio_align\":512,\"mem_align\":512,\"name\":\"ext4-512\""),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ok 1024\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("refused 100\n"), std::string::npos) << r.output;
  // The fstab line mounted at all: its escaped comma kept "seed=7" in the device spec.
  EXPECT_NE(r.output.find("== fstab\n{\"dio_align\":4096,\"mem_align\":512,\"name\":\"xfs-4k\""), std::string::npos)
      << r.output;
  // A bad option: diofs' one line, through mount, and nothing mounted.
  const std::string marker = "== bad option\n";
  const std::string bad = r.output.substr(r.output.find(marker) + marker.size());
  EXPECT_EQ(bad.substr(0, bad.find('\n')),
            "diofs: error: unknown mount option 'profle=tmpfs' (diofs takes its own options as -o NAME=VALUE, e.g. "
            "profile=ext4-512, and the standard rw, ro, nosuid, nodev, noexec, noatime, sync, allow_other, "
            "fsname=NAME; see diofs(1))")
      << r.output;
  EXPECT_EQ(r.output.find("mounted\n"), std::string::npos) << r.output;
  EXPECT_EQ(bad.find("fuse.diofs"), std::string::npos) << "a mount was left in the namespace: " << r.output;

  // umount ended each daemon cleanly: its op log is closed, with what was done.
  ASSERT_TRUE(WaitForClosedLog(dir_ / "mount.log", std::chrono::seconds(10)));
  ASSERT_TRUE(WaitForClosedLog(dir_ / "fstab.log", std::chrono::seconds(10)));
  auto log = diofs::oplog::ReadLogFile((dir_ / "mount.log").string());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->header.profile, "ext4-512");
  int refused = 0;
  for (const auto& record : log->records) refused += record.verdict == diofs::Verdict::kRejected ? 1 : 0;
  EXPECT_EQ(refused, 1);
}

}  // namespace
