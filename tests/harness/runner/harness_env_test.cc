// The real HarnessEnv on the machine's own file system (no mount: mounting
// is MountedDiofs's, tested in tests/harness/mount).
#include "harness/runner/harness_env.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <vector>

namespace dioh {
namespace {

// The whole of a ByteSource, read in pieces of `piece` bytes.
std::vector<std::uint8_t> ReadAll(const mrm::format::ByteSource& source, std::size_t piece = 4096) {
  std::vector<std::uint8_t> bytes(source.size());
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::size_t n = std::min(piece, bytes.size() - at);
    const Status read = source.ReadAt(at, std::span<std::uint8_t>(bytes.data() + at, n));
    EXPECT_TRUE(read.ok()) << read.message();
  }
  return bytes;
}

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
    auto read = env.OpenByteSource(work->Sub("a/b/f"));
    ASSERT_TRUE(read.ok()) << read.status().message();
    ASSERT_NE(*read, nullptr);
    EXPECT_EQ(ReadAll(**read), bytes);
    ASSERT_TRUE(env.CopyFile(work->Sub("a/b/f"), work->Sub("g")).ok());
    EXPECT_EQ(ReadAll(**env.OpenByteSource(work->Sub("g"))), bytes);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

// The produced file is copied out of the mount and read by the checks in
// pieces (the harness held a 2 GiB guest's file whole: 2.2 GB of RSS). The
// copy keeps every byte and leaves the zero pieces as holes, as mapped-ram
// leaves its zero pages; a read past the end is an error, never short.
TEST(HarnessEnvTest, ACopyKeepsEveryByteAndLeavesZerosAsHoles) {
  HarnessEnv& env = HarnessEnv::Real();
  auto work = WorkDir::Make(env);
  ASSERT_TRUE(work.ok());
  constexpr std::size_t kMiB = 1u << 20;
  std::vector<std::uint8_t> file(8 * kMiB + 3, 0);  // data, 4 MiB of zeros, data, a zero tail
  for (std::size_t i = 0; i < 2 * kMiB; ++i) file[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t i = 6 * kMiB; i < 7 * kMiB + 5; ++i) file[i] = static_cast<std::uint8_t>(i * 3 + 1);
  ASSERT_TRUE(env.WriteFile(work->Sub("big"), file).ok());
  ASSERT_TRUE(env.CopyFile(work->Sub("big"), work->Sub("copy")).ok());
  struct stat st {};
  ASSERT_EQ(stat(work->Sub("copy").c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::size_t>(st.st_size), file.size());
  EXPECT_LE(static_cast<std::size_t>(st.st_blocks) * 512, 4 * kMiB) << "the zero pieces were written";
  auto copy = env.OpenByteSource(work->Sub("copy"));
  ASSERT_TRUE(copy.ok() && *copy != nullptr);
  EXPECT_EQ((*copy)->size(), file.size());
  EXPECT_TRUE(ReadAll(**copy, 65536) == file);
  std::uint8_t past[4];
  EXPECT_EQ((*copy)->ReadAt(file.size() - 2, past).code(), EIO);
}

TEST(HarnessEnvTest, AMissingFileIsAbsentOtherFailuresAreErrors) {
  HarnessEnv& env = HarnessEnv::Real();
  auto missing = env.OpenByteSource("/nonexistent/dioharness/file");
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ(*missing, nullptr);
  auto folder = env.OpenByteSource("/");  // a folder opens, but is not a file to read
  EXPECT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), EISDIR);
  const Status write = env.WriteFile("/nonexistent/dioharness/file", {1});
  EXPECT_EQ(write.code(), ENOENT);
  EXPECT_EQ(write.message(), "could not write /nonexistent/dioharness/file: No such file or directory");
  EXPECT_EQ(env.CopyFile("/nonexistent/a", "/nonexistent/b").code(), ENOENT);  // the runner's "no file"
  auto log = env.OpenOpLog("/nonexistent/ops.log");
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
