#include "harness/os/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace dioh {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits for `pid` (a child of this process) and returns its wait status.
int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

class SpawnTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "spawn_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  SpawnSpec Shell(const std::string& script) const {
    SpawnSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = CurrentEnvironment();
    spec.fds = {{STDOUT_FILENO, dir_ + "/out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, -1}};
    return spec;
  }
  std::string dir_;
};

TEST(FindProgramTest, SearchesEachFolderInOrderAndKeepsAPathAsItIs) {
  EXPECT_EQ(FindProgram("sh", "/no/such/folder:/bin:/usr/bin"), "/bin/sh");
  EXPECT_EQ(FindProgram("./relative/x", "/bin"), "./relative/x");
  EXPECT_EQ(FindProgram("no-such-program-dioh", "/bin:/usr/bin"), "");
}

TEST_F(SpawnTest, AProgramThatCannotBeExecutedIsAnErrorNamingIt) {
  SpawnSpec spec = Shell("");
  spec.argv = {dir_ + "/missing"};
  auto missing = SpawnDyingWithParent(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ENOENT);
  EXPECT_NE(missing.status().message().find(dir_ + "/missing"), std::string::npos) << missing.status().message();
  spec.argv = {"no-such-program-dioh"};
  EXPECT_FALSE(SpawnDyingWithParent(spec).ok());
  spec.argv = {dir_};  // a folder: EACCES from execve itself
  auto folder = SpawnDyingWithParent(spec);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), EACCES);
}

TEST_F(SpawnTest, AnOutputFileThatCannotBeOpenedIsAnError) {
  SpawnSpec spec = Shell("true");
  spec.fds = {{STDOUT_FILENO, dir_ + "/no/such/folder/out", O_WRONLY | O_CREAT | O_CLOEXEC, -1}};
  auto spawned = SpawnDyingWithParent(spec);
  ASSERT_FALSE(spawned.ok());
  EXPECT_EQ(spawned.status().code(), ENOENT);
  EXPECT_EQ(spawned.status().message(),
            "cannot start /bin/sh: its descriptor 1 (" + dir_ + "/no/such/folder/out): No such file or directory");
}

TEST_F(SpawnTest, TheChildStartsInTheFolderAskedForOrFailsNamingIt) {
  std::filesystem::create_directories(dir_ + "/work");
  SpawnSpec spec = Shell("pwd");
  spec.cwd = dir_ + "/work";
  auto spawned = SpawnDyingWithParent(spec);
  ASSERT_TRUE(spawned.ok()) << spawned.status().message();
  EXPECT_EQ(Reap(*spawned), 0);
  EXPECT_EQ(ReadAll(dir_ + "/out"), std::filesystem::canonical(dir_ + "/work").string() + "\n");
  spec.cwd = dir_ + "/no/such/folder";
  auto missing = SpawnDyingWithParent(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "cannot start /bin/sh: changing to " + dir_ + "/no/such/folder: No such file or directory");
}

TEST_F(SpawnTest, TheChildHasAGroupOfItsOwnAndNoBlockedOrIgnoredSignals) {
  // The harness blocks and ignores signals for itself: none of it reaches the child.
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &block, &old_mask), 0);
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGUSR2, &ignore, &old_action), 0);
  // /proc/PID/status: SigBlk and SigIgn as hex masks; field 5 of stat: the group.
  auto spawned = SpawnDyingWithParent(
      Shell("grep -E '^Sig(Blk|Ign)' /proc/self/status; cut -d' ' -f5 /proc/$$/stat"));
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGUSR2, &old_action, nullptr);
  ASSERT_TRUE(spawned.ok()) << spawned.status().message();
  const int status = Reap(*spawned);
  ASSERT_TRUE(WIFEXITED(status));
  const std::string out = ReadAll(dir_ + "/out");
  EXPECT_NE(out.find("SigBlk:\t0000000000000000"), std::string::npos) << out;
  // Only what sh itself ignores is left (SIGUSR2 is bit 12 of the mask: 0x800).
  const auto ignored_at = out.find("SigIgn:\t");
  ASSERT_NE(ignored_at, std::string::npos) << out;
  const unsigned long long ignored = std::stoull(out.substr(ignored_at + 8, 16), nullptr, 16);
  EXPECT_EQ(ignored & (1ull << (SIGUSR2 - 1)), 0u) << out;
  EXPECT_NE(out.find("\n" + std::to_string(*spawned) + "\n"), std::string::npos) << out;
}

TEST_F(SpawnTest, TheChildDiesWhenTheThreadThatSpawnedItEnds) {
  // PR_SET_PDEATHSIG follows the parent thread: a thread that spawns and ends takes the child with it.
  Result<pid_t> spawned = Status::Error(EINVAL, "not spawned");
  std::thread([&] { spawned = SpawnDyingWithParent(Shell("exec sleep 600")); }).join();
  ASSERT_TRUE(spawned.ok()) << spawned.status().message();
  // No kill from here: only the death signal ends it (within the deadline).
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, *spawned, 0));
  pollfd p{pidfd, POLLIN, 0};
  const bool exited = poll(&p, 1, 10'000) == 1;
  close(pidfd);
  if (!exited) kill(*spawned, SIGKILL);
  const int status = Reap(*spawned);
  ASSERT_TRUE(exited) << "the child outlived the thread that spawned it";
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST_F(SpawnTest, ADescriptorIsHandedOnUnderItsNumber) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  SpawnSpec spec = Shell("echo through >&5");
  spec.fds.push_back({5, "", 0, pipe_fds[1]});
  auto spawned = SpawnDyingWithParent(spec);
  close(pipe_fds[1]);
  ASSERT_TRUE(spawned.ok()) << spawned.status().message();
  char text[16] = {};
  EXPECT_EQ(read(pipe_fds[0], text, sizeof text), 8);
  EXPECT_STREQ(text, "through\n");
  close(pipe_fds[0]);
  EXPECT_TRUE(WIFEXITED(Reap(*spawned)));
}

}  // namespace
}  // namespace dioh
