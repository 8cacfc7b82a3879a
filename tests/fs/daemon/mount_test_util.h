// Helpers for tests that mount diofs (ctest label `integration`).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "harness/mount/mounted_diofs.h"

// Mounts diofs with `args` into `var` (a std::unique_ptr<MountedDiofs>), or
// skips the test when this machine cannot mount FUSE at all.
#define DIOFS_MOUNT_OR_SKIP(var, ...)                                                 \
  if (auto fuse_unusable = ::dioh::MountedDiofs::FuseUnusableReason()) {             \
    GTEST_SKIP() << "FUSE is unusable here: " << *fuse_unusable;                      \
  }                                                                                   \
  auto var##_mounted = ::dioh::MountedDiofs::Mount(__VA_ARGS__);                      \
  ASSERT_TRUE(var##_mounted.ok()) << var##_mounted.status().ToString();               \
  std::unique_ptr<::dioh::MountedDiofs> var = std::move(*var##_mounted)

namespace diofs_test {

// A buffer aligned to 64 KiB (more than any profile's memory rule), so that
// only offset and length decide a verdict.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t size, unsigned char fill = 0) : size_(size) {
    void* p = nullptr;
    if (posix_memalign(&p, 65536, size == 0 ? 1 : size) != 0) std::abort();
    data_ = static_cast<unsigned char*>(p);
    std::fill(data_, data_ + size, fill);
  }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  unsigned char* data() { return data_; }
  std::size_t size() const { return size_; }

 private:
  unsigned char* data_;
  std::size_t size_;
};

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json Stats(const dioh::MountedDiofs& mount) {
  return nlohmann::json::parse(ReadText(mount.Path(".diofs/stats")));
}

// Runs a shell command; its exit status and what it printed (stdout and stderr).
struct CommandResult {
  int status = -1;
  std::string output;
};
inline CommandResult RunShell(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace diofs_test
