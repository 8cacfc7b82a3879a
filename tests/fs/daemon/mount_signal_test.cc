// A CI script's `diofs -f MNT &` then `kill -INT PID`. A shell without job
// control starts a background job with SIGINT and SIGQUIT ignored (POSIX,
// Shell Command Language 2.11), and libfuse's fuse_set_signal_handlers()
// leaves an ignored signal ignored; diofs resets SIGINT, SIGTERM and SIGHUP
// to their defaults first (fs/daemon/main.cc), so the kill unmounts.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/mount/mounted_diofs.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The next '\n'-ended line on `fd` (without the newline), "" at end of file
// or when nothing came by `deadline`.
std::string ReadLine(int fd, Clock::time_point deadline) {
  std::string line;
  for (char c = 0; c != '\n';) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd event{fd, POLLIN, 0};
    if (left <= 0 || poll(&event, 1, static_cast<int>(left)) <= 0 || read(fd, &c, 1) != 1) return "";
    if (c != '\n') line += c;
  }
  return line;
}

bool Mounted(const std::string& mountpoint) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    if (line.find(" " + mountpoint + " ") != std::string::npos) return true;
  }
  return false;
}

TEST(MountSignalTest, KillIntUnmountsADiofsStartedAsAScriptsBackgroundJob) {
  if (auto unusable = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE is unusable here: " << *unusable;
  const fs::path dir = fs::temp_directory_path() / ("diofs-sigint-" + std::to_string(getpid()));
  fs::create_directories(dir / "mnt");
  const std::string mountpoint = (dir / "mnt").string();
  int ready[2], out[2];
  ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  // fd 3: diofs' --ready-fd; fd 4: what the script reports. The first
  // background job only shows what a background job starts with.
  const std::string script =
      "grep '^SigIgn:' /proc/self/status >&4 &\n"
      "wait $!\n"
      "\"$0\" -f --ready-fd 3 \"$1\" &\n"
      "echo \"pid $!\" >&4\n"
      "exec 3>&-\n"
      "wait $!\n"
      "echo \"status $?\" >&4\n";
  const std::string diofs = dioh::MountedDiofs::DiofsBinary();
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), diofs.c_str(), mountpoint.c_str(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ready[1], 3);
  posix_spawn_file_actions_adddup2(&actions, out[1], 4);
  // Its own process group, to be killed whole if the test stops early.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  pid_t shell = -1;
  const int spawned = posix_spawn(&shell, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(ready[1]);
  close(out[1]);
  ASSERT_EQ(spawned, 0);

  pid_t daemon = -1;
  // Whatever happens below, nothing stays mounted or running.
  struct Cleanup {
    pid_t& daemon;
    pid_t shell;
    std::string mountpoint;
    fs::path dir;
    int fds[2];
    ~Cleanup() {
      // diofs alone when known: its auto_unmount helper, in the same group, must live to detach the mount.
      if (daemon > 0) {
        kill(daemon, SIGKILL);
      } else {
        kill(-shell, SIGKILL);
      }
      if (Mounted(mountpoint)) (void)!std::system(("fusermount3 -u -z " + mountpoint + " 2>/dev/null").c_str());
      int status;
      waitpid(shell, &status, 0);
      for (int fd : fds) close(fd);
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{daemon, shell, mountpoint, dir, {ready[0], out[0]}};

  const auto deadline = Clock::now() + std::chrono::seconds(20);
  const std::string ignored = ReadLine(out[0], deadline);
  ASSERT_EQ(ignored.rfind("SigIgn:", 0), 0u) << ignored;
  const unsigned long long mask = std::stoull(ignored.substr(7), nullptr, 16);
  ASSERT_NE(mask & (1ULL << (SIGINT - 1)), 0u) << "the premise: this shell's background jobs ignore SIGINT";

  const std::string pid_line = ReadLine(out[0], deadline);
  ASSERT_EQ(pid_line.rfind("pid ", 0), 0u) << pid_line;
  daemon = std::stoi(pid_line.substr(4));
  pollfd event{ready[0], POLLIN, 0};
  char byte;
  ASSERT_EQ(poll(&event, 1, 20000), 1) << "diofs did not mount";
  ASSERT_EQ(read(ready[0], &byte, 1), 1) << "diofs exited before mounting";
  ASSERT_TRUE(Mounted(mountpoint));

  ASSERT_EQ(kill(daemon, SIGINT), 0);
  EXPECT_EQ(ReadLine(out[0], deadline), "status 0") << "diofs did not stop on SIGINT";
  EXPECT_FALSE(Mounted(mountpoint));
}

}  // namespace
