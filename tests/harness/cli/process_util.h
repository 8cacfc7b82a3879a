// Runs the built dioharness as a child, with a deadline: the tests here look
// at what a user sees (exit code, stdout, stderr) and at what is left behind.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace cli_test {

struct Child {
  pid_t pid = -1;
  int pidfd = -1;
  std::string out_path, err_path;
};

// A new private folder under /tmp ("/tmp/PREFIX.XXXXXX"), or "" if none could be made.
inline std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + ".XXXXXX";
  return mkdtemp(pattern.data()) != nullptr ? pattern : "";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts `argv` with stdout and stderr going to files under `dir`; `env` adds NAME=VALUE entries.
inline Child Start(const std::vector<std::string>& argv, const std::string& dir, const std::vector<std::string>& env = {}) {
  Child child;
  child.out_path = dir + "/stdout";
  child.err_path = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, child.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, child.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::vector<std::string> environment;
  // An entry of `env` replaces the inherited one (ctest sets TMPDIR already).
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& extra : env) replaced = replaced || extra.rfind(name, 0) == 0;
    if (!replaced) environment.push_back(entry);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> c_env;
  for (std::string& e : environment) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  if (posix_spawn(&child.pid, args[0].c_str(), &actions, nullptr, c_argv.data(), c_env.data()) != 0) child.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  if (child.pid > 0) child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0));
  return child;
}

// Exit code, 128+signal when killed; -1 if it did not exit in time (it is then killed).
inline int Wait(Child& child, std::chrono::milliseconds timeout) {
  pollfd p{child.pidfd, POLLIN, 0};
  int status = 0;
  if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
    kill(child.pid, SIGKILL);
    waitpid(child.pid, &status, 0);
    close(child.pidfd);
    return -1;
  }
  waitpid(child.pid, &status, 0);
  close(child.pidfd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Polls `condition` until it holds or the deadline passes (no fixed sleep:
// each poll waits on the child's pidfd, so an early exit ends the wait too).
inline bool WaitUntil(const Child& child, const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    pollfd p{child.pidfd, POLLIN, 0};
    if (poll(&p, 1, 20) == 1) return condition();
  }
  return condition();
}

}  // namespace cli_test
