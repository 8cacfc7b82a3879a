// Shared by the engine tests: a private work folder, the mrmigrate built
// beside the test, and a fake "qemu" that is mrmigrate started with QEMU's
// command line (proves the QEMU driver's argv and QMP sequence end to end).
#pragma once

#include <sys/stat.h>

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
  // Records its arguments in ARGS_FILE, then runs mrmigrate with the QMP
  // socket of -qmp and the RAM size of -m.
  std::string WriteFakeQemu() const {
    return WriteScript("qemu-system-x86_64",
                       "echo \"$@\" >> " + dir_ + "/qemu.args\n"
                       "while [ $# -gt 0 ]; do\n"
                       "  case \"$1\" in\n"
                       "    -qmp) qmp=\"$2\"; shift ;;\n"
                       "    -m) mem=\"$2\"; shift ;;\n"
                       "  esac\n"
                       "  shift\n"
                       "done\n"
                       "exec " + MrmigratePath() + " qmp --qmp \"$qmp\" --ram \"pc.ram=$mem\"\n");
  }

  std::string dir_;
};

}  // namespace dioh::engine_test
