// The Checker driven in-process through its OsCalls seam with plain libc,
// on files in a folder under /tmp. (preload_test.cc runs it as a preload.)
#include "fs/diocheck/checker.h"

#include <dlfcn.h>
#include <execinfo.h>
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

TEST(ConfigFromEnvironmentTest, QuietIsOneOrZero) {
  const char* problem = nullptr;
  EXPECT_FALSE(ConfigFrom({}, &problem).quiet);
  EXPECT_TRUE(ConfigFrom({{"DIOCHECK_QUIET", "1"}}, &problem).quiet);
  EXPECT_EQ(problem, nullptr);
  EXPECT_FALSE(ConfigFrom({{"DIOCHECK_QUIET", "0"}}, &problem).quiet);
  EXPECT_FALSE(ConfigFrom({{"DIOCHECK_QUIET", "yes"}}, &problem).quiet);
  ASSERT_NE(problem, nullptr);
  EXPECT_NE(std::string(problem).find("DIOCHECK_QUIET"), std::string::npos);
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

// What the checker writes to stderr, kept instead of printed.
std::string stderr_lines;
ssize_t CapturingWrite(int fd, const void* data, size_t size) {
  if (fd != STDERR_FILENO) return ::write(fd, data, size);
  stderr_lines.append(static_cast<const char*>(data), size);
  return static_cast<ssize_t>(size);
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
    stderr_lines.clear();
    OsCalls os{::open, ::read, CapturingWrite, ::close, ::fcntl};
    os.backtrace = backtrace_;
    os.dladdr1 = ::dladdr1;
    os.self_base = self_base_;
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
  int (*backtrace_)(void**, int) = nullptr;
  uintptr_t self_base_ = 0;
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

TEST_F(CheckerTest, EachReportIsOneStderrLineUnlessQuiet) {
  Checker& checker = MakeChecker({});
  const int direct = Open(file_, O_DIRECT);
  checker.OnOpened(direct, O_RDWR | O_DIRECT);
  EXPECT_TRUE(Misaligned(checker, direct));
  const auto align = AlignInfo::Unpack(checker.table().Lookup(direct)->align_word);  // statx's, else the env's
  char address[32];
  std::snprintf(address, sizeof address, "%p", static_cast<void*>(arena_ + 8));
  EXPECT_EQ(stderr_lines, "libdiocheck: refused pwrite(fd " + std::to_string(direct) + " " + file_ +
                              ", offset 0, 4096 bytes): buffer address " + address + " is not a multiple of " +
                              std::to_string(align.mem_align) + " (" + std::string(AlignSourceName(align.source)) +
                              "); thread " + std::to_string(gettid()) + " of pid " + std::to_string(getpid()) +
                              "\n");
  Checker& quiet = MakeChecker({{"DIOCHECK_QUIET", "1"}});
  const int again = Open(file_, O_DIRECT);
  quiet.OnOpened(again, O_RDWR | O_DIRECT);
  EXPECT_TRUE(Misaligned(quiet, again));
  EXPECT_EQ(stderr_lines, "");
  EXPECT_EQ(LineCount(log_), 2u);  // quiet on stderr, still reported
}

TEST_F(CheckerTest, ReportsCarryTheCallSiteOutsideTheLibrary) {
  backtrace_ = ::backtrace;
  Checker& checker = MakeChecker({});
  const int direct = Open(file_, O_DIRECT);
  checker.OnOpened(direct, O_RDWR | O_DIRECT);
  EXPECT_TRUE(Misaligned(checker, direct));
  std::ifstream in(log_);
  std::string report;
  std::getline(in, report);
  // Linked into this test, the checker's own frames are this program's.
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  EXPECT_NE(report.find("\"call_site\":[\"" + self + "+0x"), std::string::npos) << report;
  EXPECT_NE(stderr_lines.find("; call site: " + self + "+0x"), std::string::npos) << stderr_lines;
  // Told that this program is the library, it skips every frame in it.
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<const void*>(&CapturingWrite), &info), 0);
  self_base_ = reinterpret_cast<uintptr_t>(info.dli_fbase);
  Checker& skipping = MakeChecker({});
  const int again = Open(file_, O_DIRECT);
  skipping.OnOpened(again, O_RDWR | O_DIRECT);
  EXPECT_TRUE(Misaligned(skipping, again));
  EXPECT_EQ(stderr_lines.find(self), std::string::npos) << stderr_lines;
}

TEST_F(CheckerTest, IoUringIsNotedOncePerProcessInTheLogAndOnStderr) {
  Checker& checker = MakeChecker({});
  checker.NoteIoUring("io_uring_setup");
  checker.NoteIoUring("io_uring_queue_init");
  EXPECT_EQ(stderr_lines, "libdiocheck: io_uring_setup: this program uses io_uring; its buffers cannot be checked from "
                          "LD_PRELOAD (diofs still checks offsets and lengths); thread " +
                              std::to_string(gettid()) + " of pid " + std::to_string(getpid()) + "\n");
  ASSERT_EQ(LineCount(log_), 1u);
  std::ifstream in(log_);
  std::string note;
  std::getline(in, note);
  EXPECT_EQ(note, "{\"diocheck\":\"unchecked\",\"pid\":" + std::to_string(getpid()) + ",\"tid\":" +
                      std::to_string(gettid()) + ",\"what\":\"io_uring\",\"call\":\"io_uring_setup\"}");
  Checker& quiet = MakeChecker({{"DIOCHECK_QUIET", "1"}});
  quiet.NoteIoUring("io_uring_setup");
  EXPECT_EQ(stderr_lines, "");
  EXPECT_EQ(LineCount(log_), 2u);
}

}  // namespace
}  // namespace diocheck
