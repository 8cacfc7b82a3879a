// Shared by the engine tests: a private work folder, the mrmigrate built
// beside the test, and the real QEMU of this machine when there is one.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace dioh::engine_test {

class WorkDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "engine-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string MrmigratePath() {
    return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "mrmigrate").string();
  }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // An executable shell script in the work folder.
  std::string WriteScript(const std::string& name, const std::string& body) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    chmod(path.c_str(), 0755);
    return path;
  }
  std::string dir_;
};

// The QEMU the qemu-labelled tests drive: $QEMU_BINARY, else
// qemu-system-x86_64 from PATH; empty when there is none.
inline std::string QemuBinary() {
  if (const char* env = std::getenv("QEMU_BINARY"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/qemu-system-x86_64";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace dioh::engine_test

// Skips (one line) where this machine has no QEMU; CI always has one.
#define QEMU_OR_SKIP(var)                                                                                   \
  const std::string var = ::dioh::engine_test::QemuBinary();                                               \
  if (var.empty()) {                                                                                        \
    GTEST_SKIP() << "no qemu-system-x86_64 here (scripts/install-deps.sh installs it from bookworm-backports)"; \
  }
