// Test helpers: a temporary folder, and running the built mrmigrate (MRMIGRATE_PATH) through a shell and
// collects its exit code and output (stdout and stderr together).
#pragma once

#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace mrmigrate_test {

struct ProcessRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

inline ProcessRun Mrmigrate(const std::string& arguments) {
  const std::string command = std::string(MRMIGRATE_PATH) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A temporary folder removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mrmigrate-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace mrmigrate_test
