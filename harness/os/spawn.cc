#include "harness/os/spawn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <csignal>

#include "harness/os/errno_status.h"

extern char** environ;

namespace dioh {
namespace {

// Between fork and exec only async-signal-safe calls (signal-safety(7)): the
// harness has other threads, whose locks the child inherits held.
// What failed in the child: the step (kExec, kSetup, or the index of the
// descriptor in SpawnSpec::fds) and its errno.
struct ChildFailure {
  int step = 0;
  int error = 0;
};
constexpr int kExec = -1;
constexpr int kSetup = -2;
constexpr int kChdir = -3;

[[noreturn]] void FailChild(int report_fd, int step, int error) {
  const ChildFailure failure{step, error};
  while (write(report_fd, &failure, sizeof failure) < 0 && errno == EINTR) {
  }
  _exit(127);
}

[[noreturn]] void RunChild(pid_t parent, int report_fd, const char* program, char* const* argv, char* const* envp,
                           const std::vector<SpawnFd>& fds, const std::vector<const char*>& paths, const char* cwd) {
  // Above every descriptor the child is given, so no dup2 lands on it.
  const int high = fcntl(report_fd, F_DUPFD_CLOEXEC, 100);
  if (high >= 0) report_fd = high;
  if (setpgid(0, 0) != 0) FailChild(report_fd, kSetup, errno);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) FailChild(report_fd, kSetup, errno);
  // The parent died before the prctl: no signal will come, so go now.
  if (getppid() != parent) _exit(127);
  // Handlers are reset by exec, ignored signals and the mask are not.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) {
    if (signal != SIGKILL && signal != SIGSTOP) sigaction(signal, &default_action, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    int from = fds[i].source_fd;
    if (paths[i] != nullptr) {
      from = open(paths[i], fds[i].flags, 0644);
      if (from < 0) FailChild(report_fd, static_cast<int>(i), errno);
    }
    // dup2 onto itself would keep O_CLOEXEC: clear it instead.
    if (from == fds[i].target ? fcntl(from, F_SETFD, 0) != 0 : dup2(from, fds[i].target) < 0) {
      FailChild(report_fd, static_cast<int>(i), errno);
    }
    if (paths[i] != nullptr && from != fds[i].target) close(from);
  }
  if (cwd != nullptr && chdir(cwd) != 0) FailChild(report_fd, kChdir, errno);
  execve(program, argv, envp);
  FailChild(report_fd, kExec, errno);
}

}  // namespace

std::string FindProgram(const std::string& name, const std::string& path_list) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  while (start <= path_list.size()) {
    std::size_t end = path_list.find(':', start);
    if (end == std::string::npos) end = path_list.size();
    const std::string folder = end > start ? path_list.substr(start, end - start) : ".";
    const std::string candidate = folder + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) env.emplace_back(*entry);
  return env;
}

Result<pid_t> SpawnDyingWithParent(const SpawnSpec& spec) {
  if (spec.argv.empty()) return Status::Error(EINVAL, "spawn: no program given");
  const char* path_env = std::getenv("PATH");
  const std::string program =
      spec.search_path ? FindProgram(spec.argv[0], path_env != nullptr ? path_env : "/usr/bin:/bin") : spec.argv[0];
  if (program.empty()) return Status::Error(ENOENT, "cannot start " + spec.argv[0] + ": not found in $PATH");
  // Everything the child needs is built before fork: it must not allocate.
  std::vector<std::string> argv = spec.argv, env = spec.env;
  std::vector<char*> c_argv, c_env;
  for (std::string& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (std::string& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  std::vector<const char*> paths;
  for (const SpawnFd& fd : spec.fds) paths.push_back(fd.path.empty() ? nullptr : fd.path.c_str());

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(report[0]);
    close(report[1]);
    return ErrnoStatus(error, "fork");
  }
  if (pid == 0) {
    close(report[0]);
    RunChild(parent, report[1], program.c_str(), c_argv.data(), c_env.data(), spec.fds, paths,
             spec.cwd.empty() ? nullptr : spec.cwd.c_str());
  }
  close(report[1]);
  ChildFailure failure;
  ssize_t got;
  while ((got = read(report[0], &failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  if (got == 0) return pid;  // the pipe closed on exec: the program runs
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof failure) return Status::Error(EIO, "cannot start " + program + ": its child died before exec");
  std::string what = "cannot start " + program;
  if (failure.step == kSetup) what += ": setting up its process group and death signal";
  if (failure.step == kChdir) what += ": changing to " + spec.cwd;
  if (failure.step >= 0) {
    const SpawnFd& fd = spec.fds[static_cast<std::size_t>(failure.step)];
    what += ": its descriptor " + std::to_string(fd.target) + (fd.path.empty() ? "" : " (" + fd.path + ")");
  }
  return ErrnoStatus(failure.error, what);
}

}  // namespace dioh
