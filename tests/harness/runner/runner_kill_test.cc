// A harness killed with SIGKILL leaves nothing running and nothing mounted
// (its engine and diofs die with it: PR_SET_PDEATHSIG, auto_unmount), and
// the next run reaps the folders, and any mount, that it marked as its own.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/mount/leftovers.h"
#include "harness/mount/mounted_diofs.h"
#include "tests/harness/cli/process_util.h"

namespace dioh {
namespace {

using cli_test::ReadFile;
using Clock = std::chrono::steady_clock;

constexpr const char* kHungScenario = R"({
  "name": "hung",
  "timeout_seconds": TIMEOUT,
  "guest": {"ram": "pc.ram=8M"},
  "capabilities": {"mapped-ram": true, "multifd": true},
  "parameters": {"multifd-channels": 2, "direct-io": true},
  "expect": {"status": "completed"}
})";

// The pids whose parent is `parent`.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadFile(entry.path().string() + "/stat");
    const auto close_paren = stat.rfind(')');  // "pid (comm) state ppid ..."
    if (close_paren == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) {
      children.push_back(std::stoi(name));
    }
  }
  return children;
}

// Waits (no sleep) until `condition` holds: woken by each change of the mount
// table (poll on /proc/self/mounts, proc(5)) or by the exit of `pidfd`.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout, int pidfd = -1) {
  const auto deadline = Clock::now() + timeout;
  const int mounts = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
  bool held = condition();
  while (!held && Clock::now() < deadline) {
    pollfd fds[2] = {{mounts, POLLPRI, 0}, {pidfd, POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // A 50 ms bound per wait: process trees and sockets have no event to wait on.
    poll(fds, pidfd >= 0 ? 2 : 1, static_cast<int>(std::min<std::int64_t>(left.count(), 50)));
    held = condition();
  }
  close(mounts);
  return held;
}

bool Exited(int pidfd) {
  pollfd p{pidfd, POLLIN, 0};
  return poll(&p, 1, 0) == 1;
}

bool MountMarked(pid_t pid) { return ReadFile("/proc/self/mounts").find(MountMark(pid) + " ") != std::string::npos; }

// Names in `dir` made by `pid` (leftovers.h).
std::vector<std::string> FoldersOf(const std::string& dir, pid_t pid) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (FolderOwner(entry.path().filename().string()) == pid) found.push_back(entry.path().filename());
  }
  return found;
}

class RunnerKillTest : public testing::Test {
 protected:
  void SetUp() override {
    // Short: the engine's QMP socket lives under it (a unix socket path has 107 bytes).
    std::string pattern = (std::filesystem::temp_directory_path() / "rk.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = std::filesystem::canonical(pattern).string();
    tmp_ = dir_ + "/t";
    std::filesystem::create_directories(tmp_);
  }
  void TearDown() override {
    EXPECT_EQ(ReadFile("/proc/self/mounts").find(dir_), std::string::npos) << "a mount was left under " << dir_;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  cli_test::Child StartRun(int timeout_seconds, const std::string& name) {
    std::string text = kHungScenario;
    text.replace(text.find("TIMEOUT"), 7, std::to_string(timeout_seconds));
    const std::string scenario = dir_ + "/" + name + ".json";
    std::ofstream(scenario) << text;
    std::filesystem::create_directories(dir_ + "/" + name);
    return cli_test::Start({DIOHARNESS_BIN, "run", scenario, "--maps", "none", "--out", dir_ + "/" + name + "/out",
                            "--engine", std::string("mrmigrate:") + HUNG_QMP_ENGINE},
                           dir_ + "/" + name, {"TMPDIR=" + tmp_});
  }
  std::string dir_, tmp_;
};

TEST_F(RunnerKillTest, AKilledRunLeavesNothingRunningOrMountedAndTheNextRunReapsItsFolders) {
  if (auto reason = MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
  cli_test::Child first = StartRun(600, "first");
  ASSERT_GT(first.pid, 0);
  // A failed assertion must not leave the hung run behind.
  struct KillOnExit {
    pid_t pid;
    ~KillOnExit() {
      if (pid > 0) kill(pid, SIGKILL);
    }
  } guard{first.pid};
  // diofs mounted with the run's mark, and the engine started (its QMP socket).
  const auto engine_up = [&] {
    if (!MountMarked(first.pid)) return false;
    for (const auto& e : std::filesystem::recursive_directory_iterator(tmp_, std::filesystem::directory_options::skip_permission_denied)) {
      if (e.is_socket()) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor(engine_up, std::chrono::seconds(30), first.pidfd))
      << ReadFile(first.out_path) << ReadFile(first.err_path) << "\n" << ReadFile("/proc/self/mounts");
  const std::vector<pid_t> children = ChildrenOf(first.pid);  // diofs and the engine
  ASSERT_EQ(children.size(), 2u);
  std::vector<int> child_fds;
  for (pid_t pid : children) child_fds.push_back(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));

  kill(first.pid, SIGKILL);
  EXPECT_EQ(cli_test::Wait(first, std::chrono::seconds(10)), 128 + SIGKILL);
  guard.pid = -1;  // reaped: the pid may be reused
  for (int fd : child_fds) {
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(WaitFor([&] { return Exited(fd); }, std::chrono::seconds(10), fd)) << "a child outlived the harness";
    close(fd);
  }
  EXPECT_TRUE(WaitFor([&] { return !MountMarked(first.pid); }, std::chrono::seconds(10))) << "the mount outlived diofs";
  // What only a later run can clean: the killed run's folders.
  const std::vector<std::string> left = FoldersOf(tmp_, first.pid);
  EXPECT_EQ(left.size(), 2u);  // dioharness.<pid>.* and diofs-<pid>-*

  // A mount marked as the dead run's, as a daemon that survived would leave it.
  setenv("TMPDIR", tmp_.c_str(), 1);
  auto stale = MountedDiofs::Mount({"-o", "fsname=" + MountMark(first.pid)});
  unsetenv("TMPDIR");
  ASSERT_TRUE(stale.ok()) << stale.status().message();
  ASSERT_TRUE(MountMarked(first.pid));

  cli_test::Child second = StartRun(1, "second");
  const int code = cli_test::Wait(second, std::chrono::seconds(60));
  EXPECT_EQ(code, 1) << ReadFile(second.err_path);  // the hung engine times out: a failed run
  const std::string out = ReadFile(second.out_path);
  EXPECT_NE(out.find("reaped: detached the stale diofs mount " + (*stale)->mountpoint()), std::string::npos) << out;
  for (const std::string& name : left) {
    EXPECT_NE(out.find("reaped: removed the stale folder " + tmp_ + "/" + name), std::string::npos) << out;
  }
  EXPECT_TRUE(FoldersOf(tmp_, first.pid).empty());
  EXPECT_FALSE(MountMarked(first.pid));
  // The live test's own mount folder was not touched; its daemon ends once detached.
  EXPECT_TRUE(std::filesystem::exists((*stale)->mountpoint()));
  (void)(*stale)->Unmount(std::chrono::seconds(10));
  stale->reset();
  EXPECT_TRUE(FoldersOf(tmp_, second.pid).empty()) << "the second run left its own folders";
}

}  // namespace
}  // namespace dioh
