// The Checker driven in-process through its OsCalls seam with plain libc,
// on files in a folder under /tmp. (preload_test.cc runs it as a preload.)
#include "fs/diocheck/checker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

std::map<std::string, std::string> fake_environment;
const char* FakeGetEnv(const char* name) {
  const auto found = fake_environment.find(name);
  return found == fake_environment.end() ? nullptr : found->second.c_str();
}

Config ConfigFrom(std::map<std::string, std::string> variables, const char** problem) {
  fake_environment = std::move(variables);
  return ConfigFromEnvironment(FakeGetEnv, problem);
}

TEST(ConfigFromEnvironmentTest, DefaultsAndValues) {
  const char* problem = nullptr;
  Config config = ConfigFrom({}, &problem);
  EXPECT_EQ(problem, nullptr);
  EXPECT_EQ(config.mode, Mode::kEinval);
  EXPECT_EQ(config.env_mem_align, 0u);
  EXPECT_STREQ(config.log_path, "");
  EXPECT_STREQ(config.mountinfo_path, "/proc/self/mountinfo");
  config = ConfigFrom({{"DIOCHECK_MODE", "record"}, {"DIOCHECK_MEM_ALIGN", "4096"},
                       {"DIOCHECK_LOG", "/tmp/x.jsonl"}, {"DIOCHECK_MOUNTINFO", "/tmp/m"}},
                      &problem);
  EXPECT_EQ(problem, nullptr);
  EXPECT_EQ(config.mode, Mode::kRecord);
  EXPECT_EQ(config.env_mem_align, 4096u);
  EXPECT_STREQ(config.log_path, "/tmp/x.jsonl");
  EXPECT_STREQ(config.mountinfo_path, "/tmp/m");
}

TEST(ConfigFromEnvironmentTest, InvalidValuesAreExplainedAndIgnored) {
  const char* problem = nullptr;
  Config config = ConfigFrom({{"DIOCHECK_MEM_ALIGN", "3000"}}, &problem);
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(config.env_mem_align, 0u);
  config = ConfigFrom({{"DIOCHECK_MODE", "warn"}}, &problem);
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(config.mode, Mode::kEinval);
}

class CheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/diocheck-checker-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    file_ = dir_ + "/data";
    log_ = dir_ + "/log.jsonl";
  }
  void TearDown() override {
    for (int fd : fds_) close(fd);
    std::filesystem::remove_all(dir_);
  }

  Checker& MakeChecker(std::map<std::string, std::string> variables) {
    variables["DIOCHECK_LOG"] = log_;
    variables["DIOCHECK_MEM_ALIGN"] = "4096";
    const char* problem = nullptr;
    const Config config = ConfigFrom(std::move(variables), &problem);
    storage_.assign(DescriptionTable::BytesFor(256) / sizeof(uint64_t) + 1, 0);
    const OsCalls os{::open, ::read, ::write, ::close, ::fcntl};
    checker_ = std::make_unique<Checker>(config, os, DescriptionTable(storage_.data(), 256));
    return *checker_;
  }

  int Open(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | flags, 0644);
    EXPECT_GE(fd, 0) << path;
    fds_.push_back(fd);
    return fd;
  }

  size_t LineCount(const std::string& path) {
    std::ifstream in(path);
    size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  bool Misaligned(Checker& checker, int fd) {
    iovec segment{arena_ + 8, 4096};
    return checker.ShouldReject(Transfer{fd, "pwrite", &segment, 1, true, 0});
  }

  alignas(65536) static inline char arena_[65536];
  std::string dir_, file_, log_;
  std::vector<int> fds_;
  std::vector<uint64_t> storage_;
  std::unique_ptr<Checker> checker_;
};

TEST_F(CheckerTest, RejectsOnlyOnDirectDescriptorsAndReportsEachOnce) {
  Checker& checker = MakeChecker({});
  const int direct = Open(file_, O_DIRECT);
  const int buffered = Open(file_, 0);
  checker.OnOpened(direct, O_RDWR | O_DIRECT);
  checker.OnOpened(buffered, O_RDWR);
  EXPECT_TRUE(Misaligned(checker, direct));
  EXPECT_FALSE(Misaligned(checker, buffered));
  iovec aligned{arena_, 4096};
  EXPECT_FALSE(checker.ShouldReject(Transfer{direct, "pwrite", &aligned, 1, true, 0}));
  EXPECT_EQ(LineCount(log_), 1u);
}

TEST_F(CheckerTest, RecordModeReportsWithoutRejecting) {
  Checker& checker = MakeChecker({{"DIOCHECK_MODE", "record"}});
  const int direct = Open(file_, O_DIRECT);
  checker.OnOpened(direct, O_RDWR | O_DIRECT);
  EXPECT_FALSE(Misaligned(checker, direct));
  EXPECT_EQ(LineCount(log_), 1u);
}

TEST_F(CheckerTest, StaleTableIsConfirmedWithTheKernelBeforeFailing) {
  Checker& checker = MakeChecker({});
  const int buffered = Open(file_, 0);
  // As if an O_DIRECT description under this number had been closed by
  // fclose() behind the library's back and the number reused.
  checker.OnOpened(buffered, O_RDWR | O_DIRECT);
  EXPECT_FALSE(Misaligned(checker, buffered));
  EXPECT_EQ(LineCount(log_), 0u);
  EXPECT_FALSE(Misaligned(checker, buffered)) << "the table learned the kernel's flags";
}

TEST_F(CheckerTest, UnseenDirectDescriptorIsAdopted) {
  Checker& checker = MakeChecker({});
  const int direct = Open(file_, O_DIRECT);
  EXPECT_TRUE(Misaligned(checker, direct));
  ASSERT_TRUE(checker.table().Lookup(direct).has_value());
  EXPECT_NE(checker.table().Lookup(direct)->status_flags & O_DIRECT, 0);
}

TEST_F(CheckerTest, DescriptorPastTheTableIsCheckedOnEachCall) {
  Checker& checker = MakeChecker({});
  const int direct = Open(file_, O_DIRECT);
  const int high = dup2(direct, 300);  // the table covers 256 fds
  ASSERT_EQ(high, 300);
  fds_.push_back(high);
  checker.OnOpened(high, O_RDWR | O_DIRECT);
  EXPECT_FALSE(checker.table().Lookup(high).has_value());
  EXPECT_TRUE(Misaligned(checker, high));
  EXPECT_TRUE(Misaligned(checker, high));
  iovec aligned{arena_, 4096};
  EXPECT_FALSE(checker.ShouldReject(Transfer{high, "pwrite", &aligned, 1, true, 0}));
  EXPECT_EQ(LineCount(log_), 2u);
}

TEST_F(CheckerTest, DiofsMountFromTheTableDecidesAndGetsTheReport) {
  const std::string root = dir_ + "/mnt";
  std::filesystem::create_directories(root + "/.diofs");
  std::ofstream(root + "/.diofs/profile") << R"({"name":"t","mem_align":16384})" << "\n";
  std::ofstream(root + "/.diofs/violation").flush();
  struct stat status;
  ASSERT_EQ(stat(root.c_str(), &status), 0);
  std::ofstream(dir_ + "/mountinfo") << "1 0 " << major(status.st_dev) << ":"
                                     << minor(status.st_dev) << " / " << root
                                     << " rw - fuse.diofs diofs rw\n";
  Checker& checker = MakeChecker({{"DIOCHECK_MOUNTINFO", dir_ + "/mountinfo"}});
  const int direct = Open(root + "/data", O_DIRECT);
  checker.OnOpened(direct, O_RDWR | O_DIRECT);
  const auto align = AlignInfo::Unpack(checker.table().Lookup(direct)->align_word);
  EXPECT_EQ(align.source, AlignSource::kDiofs);
  EXPECT_EQ(align.mem_align, 16384u);
  iovec segment{arena_ + 4096, 4096};  // fine for the disk, not for the profile
  EXPECT_TRUE(checker.ShouldReject(Transfer{direct, "pwrite", &segment, 1, true, 0}));
  EXPECT_EQ(LineCount(root + "/.diofs/violation"), 1u);
  EXPECT_EQ(LineCount(log_), 1u);
}

}  // namespace
}  // namespace diocheck
