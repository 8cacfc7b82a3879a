// The real HarnessEnv on the machine's own file system (no mount: mounting
// is MountedDiofs's, tested in tests/harness/mount).
#include "harness/runner/harness_env.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

namespace dioh {
namespace {

TEST(HarnessEnvTest, AWorkDirHoldsFilesAndIsRemovedWithThem) {
  HarnessEnv& env = HarnessEnv::Real();
  std::string path;
  {
    auto work = WorkDir::Make(env);
    ASSERT_TRUE(work.ok()) << work.status().message();
    path = work->Sub("");
    ASSERT_TRUE(std::filesystem::is_directory(path));
    ASSERT_TRUE(env.MakeDirs(work->Sub("a/b")).ok());
    const std::vector<std::uint8_t> bytes = {1, 2, 3};
    ASSERT_TRUE(env.WriteFile(work->Sub("a/b/f"), bytes).ok());
    auto read = env.ReadFile(work->Sub("a/b/f"));
    ASSERT_TRUE(read.ok()) << read.status().message();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, bytes);
    ASSERT_TRUE(env.CopyFile(work->Sub("a/b/f"), work->Sub("g")).ok());
    EXPECT_EQ(**env.ReadFile(work->Sub("g")), bytes);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

// The produced file is read into a buffer sized from fstat (a 2 GiB guest's
// file no longer doubles a vector to 4 GiB); what lies past that size is
// still read: /proc files say 0 bytes and hold text.
TEST(HarnessEnvTest, ReadFileReadsWhatFstatSaysAndWhatLiesPastIt) {
  HarnessEnv& env = HarnessEnv::Real();
  auto status = env.ReadFile("/proc/self/status");
  ASSERT_TRUE(status.ok()) << status.status().message();
  const std::string text((*status)->begin(), (*status)->end());
  EXPECT_EQ(text.rfind("Name:", 0), 0u) << text;
  auto work = WorkDir::Make(env);
  ASSERT_TRUE(work.ok());
  std::vector<std::uint8_t> big((5u << 20) + 3);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_TRUE(env.WriteFile(work->Sub("big"), big).ok());
  auto read = env.ReadFile(work->Sub("big"));
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_TRUE(**read == big);
}

TEST(HarnessEnvTest, AMissingFileIsAbsentOtherFailuresAreErrors) {
  HarnessEnv& env = HarnessEnv::Real();
  auto missing = env.ReadFile("/nonexistent/dioharness/file");
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_FALSE(missing->has_value());
  auto folder = env.ReadFile("/");  // a folder opens, but does not read
  EXPECT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), EISDIR);
  const Status write = env.WriteFile("/nonexistent/dioharness/file", {1});
  EXPECT_EQ(write.code(), ENOENT);
  EXPECT_EQ(write.message(), "could not write /nonexistent/dioharness/file: No such file or directory");
  EXPECT_FALSE(env.CopyFile("/nonexistent/a", "/nonexistent/b").ok());
  auto log = env.ReadOpLog("/nonexistent/ops.log");
  EXPECT_FALSE(log.ok());
}

TEST(HarnessEnvTest, TempDirsGoUnderTmpdir) {
  const std::string base = testing::TempDir() + "harness_env_test";
  std::filesystem::create_directories(base);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("TMPDIR", base.c_str(), 1);
  auto dir = HarnessEnv::Real().MakeTempDir();
  if (saved.empty()) unsetenv("TMPDIR");
  else setenv("TMPDIR", saved.c_str(), 1);
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  EXPECT_EQ(dir->rfind(base + "/dioharness.", 0), 0u) << *dir;
  HarnessEnv::Real().RemoveTree(base);
  EXPECT_FALSE(std::filesystem::exists(base));
}

}  // namespace
}  // namespace dioh
