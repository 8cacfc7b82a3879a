#include "preload_test_support.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
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
  // stderr into memory, read once the child is gone: no second pipe to drain.
  const int errors_fd = memfd_create("probe-stderr", MFD_CLOEXEC);
  if (errors_fd < 0) throw std::runtime_error("memfd_create failed");
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(errors_fd, STDERR_FILENO);
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
  for (ssize_t got; (got = pread(errors_fd, buffer, sizeof(buffer), static_cast<off_t>(run.errors.size()))) > 0;) {
    run.errors.append(buffer, static_cast<size_t>(got));
  }
  close(errors_fd);
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

std::optional<std::string> FioUnavailableReason() {
#if defined(__SANITIZE_THREAD__)
  constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
  constexpr bool kThreadSanitizer = __has_feature(thread_sanitizer);
#else
  constexpr bool kThreadSanitizer = false;
#endif
  if (kThreadSanitizer) {
    return "libdiocheck is built with ThreadSanitizer, whose runtime crashes in fio (built without it) once fio "
           "starts threads; make test and make test-asan run this test";
  }
  if (RunCommand({"/bin/sh", "-c", "command -v fio"}, {}).exit_code != 0) {
    return "fio is not installed (scripts/install-deps.sh installs it)";
  }
  return std::nullopt;
}

ProbeRun RunPreloaded(const std::vector<std::string>& arguments, const std::vector<std::string>& environment) {
  return Execute(arguments, environment, true);
}

int LineOf(const std::string& source, const std::string& marker) {
  std::ifstream in(source);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find(marker) != std::string::npos) return number;
  }
  return 0;
}

std::string SourceLineOf(const std::string& frame) {
  // The object and address are the last "PATH+0xHEX" of the frame.
  std::string text = frame;
  if (!text.empty() && text.back() == ')') text = text.substr(text.rfind('(') + 1, text.size() - text.rfind('(') - 2);
  const std::size_t plus = text.rfind("+0x");
  if (plus == std::string::npos) return "";
  const ProbeRun run = Execute({"/usr/bin/addr2line", "-e", text.substr(0, plus), text.substr(plus + 1)}, {}, false);
  std::string answer = run.output.substr(0, run.output.find('\n'));
  // "/src/tests/fs/diocheck/malloc_pwrite.c:28 (discriminator 1)" -> "malloc_pwrite.c:28"
  answer = answer.substr(0, answer.find(' '));
  return answer.substr(answer.rfind('/') + 1);
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

void DirectFileTest::SetUp() {
  file_ = dir_.path() + "/data";
  log_ = dir_.path() + "/violations.jsonl";
  const int fd = open(file_.c_str(), O_RDWR | O_CREAT | O_DIRECT, 0644);
  if (fd < 0) GTEST_SKIP() << dir_.path() << ": this filesystem refuses O_DIRECT opens";
  close(fd);
  const auto [reported, mem_align] = StatxMemAlign(file_);
  if (reported && mem_align == 0) GTEST_SKIP() << dir_.path() << ": statx says this filesystem does no O_DIRECT";
  source_ = reported ? "statx" : "env";
  mem_align_ = reported ? mem_align : 4096;
  if (mem_align_ < 16) {
    GTEST_SKIP() << dir_.path() << ": statx mem_align " << mem_align_
                 << " accepts the 8-byte aligned buffers these tests use";
  }
  std::cout << "[diocheck] " << dir_.path() << ": alignment from " << source_ << " (" << mem_align_ << ")\n";
  RecordProperty("align_source", source_);
}

}  // namespace diocheck_test
