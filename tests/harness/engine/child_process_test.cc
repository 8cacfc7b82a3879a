#include "harness/engine/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/harness/engine/engine_test_util.h"

namespace dioh {
namespace {

using namespace std::chrono_literals;

std::chrono::steady_clock::time_point In(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

class ChildProcessTest : public engine_test::WorkDirTest {
 protected:
  std::unique_ptr<ChildProcess> Shell(const std::string& script, std::vector<std::string> env = {}) {
    auto child = ChildProcess::Spawn(SpawnRequest{{"/bin/sh", "-c", script}, std::move(env), Capture()});
    EXPECT_TRUE(child.ok()) << child.status().message();
    return child.ok() ? std::move(*child) : nullptr;
  }
  std::string Capture() const { return dir_ + "/capture.log"; }
};

TEST_F(ChildProcessTest, CapturesStdoutAndStderrAndTheExitStatus) {
  auto child = Shell("echo out; echo err >&2; exit 3");
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WaitForExit(In(10s)));
  EXPECT_EQ(child->ExitText(), "exit 3");
  EXPECT_TRUE(child->HasExited());
  EXPECT_EQ(ReadFile(Capture()), "out\nerr\n");
}

TEST_F(ChildProcessTest, ExtraEnvironmentAddsAndReplaces) {
  auto child = Shell("echo \"$DIOH_TEST_A $HOME\"", {"DIOH_TEST_A=added", "HOME=/replaced"});
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WaitForExit(In(10s)));
  EXPECT_EQ(ReadFile(Capture()), "added /replaced\n");
}

TEST_F(ChildProcessTest, RunsInAProcessGroupOfItsOwn) {
  auto child = Shell("cut -d' ' -f5 /proc/$$/stat > " + dir_ + "/pgid");  // field 5: the process group
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WaitForExit(In(10s)));
  EXPECT_EQ(std::stol(ReadFile(dir_ + "/pgid")), child->pid());
  EXPECT_NE(child->pid(), getpgrp());
}

TEST_F(ChildProcessTest, WaitingPastTheDeadlineLeavesItRunningUntilKilled) {
  auto child = Shell("exec sleep 600");
  ASSERT_NE(child, nullptr);
  EXPECT_FALSE(child->WaitForExit(In(50ms)));
  EXPECT_FALSE(child->HasExited());
  EXPECT_EQ(child->ExitText(), "running");
  child->Kill();
  ASSERT_TRUE(child->WaitForExit(In(10s)));
  EXPECT_EQ(child->ExitText(), "killed by signal 9 (SIGKILL)");
}

// The destructor kills the whole group: what the engine started goes too.
TEST_F(ChildProcessTest, DestructorKillsTheGroup) {
  const std::string pid_file = dir_ + "/grandchild";
  auto child = Shell("sleep 600 & echo $! > " + pid_file + ".tmp; mv " + pid_file + ".tmp " + pid_file + "; wait");
  ASSERT_NE(child, nullptr);
  // The condition is "the pid file exists"; polling the child's exit in between.
  while (!std::filesystem::exists(pid_file)) ASSERT_FALSE(child->WaitForExit(In(5ms)));
  const pid_t grandchild = static_cast<pid_t>(std::stol(ReadFile(pid_file)));
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, grandchild, 0));
  ASSERT_GE(pidfd, 0);
  child.reset();
  pollfd p{pidfd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 10000), 1) << "the grandchild survived its group's kill";
  close(pidfd);
}

// The engine dies with the harness (PR_SET_PDEATHSIG, which follows the
// spawning thread): a thread that spawns and ends stands for a killed harness.
TEST_F(ChildProcessTest, TheEngineDiesWithTheThreadThatStartedIt) {
  std::unique_ptr<ChildProcess> child;
  std::thread([&] { child = Shell("exec sleep 600"); }).join();
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WaitForExit(In(10s)));
  EXPECT_EQ(child->ExitText(), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(child->CrashSignal(), SIGKILL);  // not the harness's own kill
}

TEST_F(ChildProcessTest, AMissingProgramIsAnErrorNamingIt) {
  auto child = ChildProcess::Spawn(SpawnRequest{{"/nonexistent/engine"}, {}, Capture()});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().message(), "cannot start /nonexistent/engine: No such file or directory");
}

TEST(ChildProcessHelpersTest, MergeEnvironment) {
  EXPECT_EQ(MergeEnvironment({"A=1", "B=2", "C=3"}, {"B=9", "D=4"}),
            (std::vector<std::string>{"A=1", "C=3", "B=9", "D=4"}));
  EXPECT_EQ(MergeEnvironment({"AB=1"}, {"A=2"}), (std::vector<std::string>{"AB=1", "A=2"}));
}

TEST(ChildProcessHelpersTest, WaitStatusText) {
  EXPECT_EQ(WaitStatusText(0), "exit 0");
  EXPECT_EQ(WaitStatusText(2 << 8), "exit 2");
  EXPECT_EQ(WaitStatusText(SIGKILL), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(WaitStatusText(SIGSEGV), "killed by signal 11 (SIGSEGV)");
}

TEST(ChildProcessHelpersTest, LastLines) {
  EXPECT_EQ(LastLines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(LastLines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(LastLines("a\nb\n", 5), "a\nb");
  EXPECT_EQ(LastLines("", 3), "");
  EXPECT_EQ(LastLines("one\n\n\n", 1), "one");
}

}  // namespace
}  // namespace dioh
