#include "preload_test_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace diocheck_test {

namespace {

ProbeRun Execute(std::vector<std::string> arguments, const std::vector<std::string>& environment,
                 bool preload) {
  std::vector<std::string> variables;
  std::string asan_options = "verify_asan_link_order=0";
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    if (variable.starts_with("DIOCHECK_") || variable.starts_with("LD_PRELOAD=")) continue;
    if (variable.starts_with("ASAN_OPTIONS=")) {
      asan_options = variable.substr(13) + ":" + asan_options;
      continue;
    }
    variables.push_back(variable);
  }
  // An ASan build preloads an instrumented library before libasan.
  variables.push_back("ASAN_OPTIONS=" + asan_options);
  if (preload) variables.push_back(std::string("LD_PRELOAD=") + DIOCHECK_LIBRARY);
  variables.insert(variables.end(), environment.begin(), environment.end());
  std::vector<char*> envp;
  for (auto& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  ProbeRun run;
  char buffer[4096];
  for (ssize_t got; (got = read(pipe_fds[0], buffer, sizeof(buffer))) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    run.output.append(buffer, static_cast<size_t>(got));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::istringstream lines(run.output);
  std::string step;
  StepResult result;
  while (lines >> step >> result.result >> result.error) run.steps[step] = result;
  return run;
}

}  // namespace

ProbeRun RunProbe(const std::string& scenario, const std::string& file,
                  const std::vector<std::string>& environment, bool preload,
                  const std::string& program) {
  return Execute({program, scenario, file}, environment, preload);
}

ProbeRun RunCommand(const std::vector<std::string>& arguments,
                    const std::vector<std::string>& environment) {
  return Execute(arguments, environment, false);
}

std::vector<nlohmann::json> ReadJsonLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/diocheck-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::pair<bool, unsigned> StatxMemAlign(const std::string& path) {
  struct statx status;
  if (statx(AT_FDCWD, path.c_str(), 0, STATX_DIOALIGN, &status) != 0) return {false, 0};
  if ((status.stx_mask & STATX_DIOALIGN) == 0) return {false, 0};
  return {true, status.stx_dio_mem_align};
}

}  // namespace diocheck_test
