// io_uring under libdiocheck: its buffers cannot be checked from LD_PRELOAD,
// so the library says, once per process, that the program set io_uring up
// (through syscall(2), as fio does, or liburing's io_uring_queue_init*): on
// stderr and as an "unchecked" line in DIOCHECK_LOG, never silently.
#include <algorithm>

#include <gtest/gtest.h>

#include "preload_test_support.h"

namespace diocheck_test {
namespace {

class PreloadUringTest : public ::testing::Test {
 protected:
  ProbeRun Run(const std::vector<std::string>& arguments, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> environment = {"DIOCHECK_LOG=" + log_};
    environment.insert(environment.end(), extra.begin(), extra.end());
    return RunPreloaded(arguments, environment);
  }
  static long Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

  TempDir dir_;
  std::string log_ = dir_.path() + "/violations.jsonl";
};

TEST_F(PreloadUringTest, IoUringSetupThroughSyscallIsSaidOnce) {
  const ProbeRun run = Run({URING_PROBE, "syscall"});
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;
  EXPECT_EQ(Lines(run.output), 2) << "both setups reached the kernel: " << run.output;
  EXPECT_EQ(Lines(run.errors), 1) << run.errors;
  EXPECT_EQ(run.errors.rfind("libdiocheck: io_uring_setup: this program uses io_uring; its buffers cannot be checked "
                             "from LD_PRELOAD (diofs still checks offsets and lengths); thread ",
                             0),
            0u)
      << run.errors;
  const auto notes = ReadJsonLines(log_);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["diocheck"], "unchecked");
  EXPECT_EQ(notes[0]["what"], "io_uring");
  EXPECT_EQ(notes[0]["call"], "io_uring_setup");
  // The call site is the probe's syscall line.
  const std::string source = std::string(PROGRAMS_SOURCE) + "/uring_probe.c";
  ASSERT_FALSE(notes[0]["call_site"].empty()) << notes[0];
  EXPECT_EQ(SourceLineOf(notes[0]["call_site"][0]),
            "uring_probe.c:" + std::to_string(LineOf(source, "syscall(SYS_io_uring_setup")));
}

TEST_F(PreloadUringTest, LiburingQueueInitIsSaidAndPassedOn) {
  const ProbeRun run = Run({URING_PROBE, "liburing"}, {"DIOCHECK_QUIET=1"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  EXPECT_EQ(run.output, "init 42\n") << "the library's own io_uring_queue_init ran with the arguments";
  EXPECT_EQ(run.errors, "") << "quiet";
  const auto notes = ReadJsonLines(log_);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["call"], "io_uring_queue_init");
}

TEST_F(PreloadUringTest, OtherSystemCallsPassUnremarked) {
  const ProbeRun run = Run({URING_PROBE, "none"});
  EXPECT_EQ(run.output, "pid ok\n");
  EXPECT_EQ(run.errors, "");
  EXPECT_TRUE(ReadJsonLines(log_).empty());
}

// fio's io_uring engine: the job runs (libdiocheck stops nothing it cannot
// check) and the notice names fio.
TEST_F(PreloadUringTest, FioIoUringEngine) {
  if (const auto reason = FioUnavailableReason()) GTEST_SKIP() << *reason;
  const ProbeRun run = Run({"/bin/sh", "-c",
                            "exec fio --name=job --filename=" + dir_.path() +
                                "/data --ioengine=io_uring --bs=4k --size=64k --rw=write --output-format=terse"});
  EXPECT_NE(run.errors.find("libdiocheck: io_uring_setup: this program uses io_uring"), std::string::npos)
      << run.output << run.errors;
  const auto notes = ReadJsonLines(log_);
  ASSERT_EQ(notes.size(), 1u) << "one process, one notice";
  EXPECT_NE(notes[0]["call_site"][0].get<std::string>().find("fio"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace diocheck_test
