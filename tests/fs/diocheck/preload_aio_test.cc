// Linux AIO under libdiocheck: io_submit through libaio, checked iocb by
// iocb as pwrite is, with a small C program (aio_probe.c) and with fio's
// libaio engine. Files live under $TMPDIR or /tmp; the alignment is statx's
// where the filesystem reports one, else DIOCHECK_MEM_ALIGN=4096.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "preload_test_support.h"

namespace diocheck_test {
namespace {

class PreloadAioTest : public DirectFileTest {
 protected:
  std::vector<std::string> Environment(const std::string& mode = "einval") const {
    return {"DIOCHECK_LOG=" + log_, "DIOCHECK_MEM_ALIGN=4096", "DIOCHECK_MODE=" + mode};
  }
};

TEST_F(PreloadAioTest, EachIocbIsCheckedAndTheBadOneRefusedAtSubmission) {
  if (std::string(AIO_PROBE).empty()) GTEST_SKIP() << "libaio-dev is not installed (scripts/install-deps.sh)";
  const ProbeRun run = RunPreloaded({AIO_PROBE, file_}, Environment());
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;
  EXPECT_EQ(run.steps.at("aligned").result, 1);
  EXPECT_EQ(run.steps.at("aligned-event").result, 4096);
  EXPECT_EQ(run.steps.at("misaligned").result, -EINVAL);  // libaio's convention: a negative errno
  EXPECT_EQ(run.steps.at("second-bad").result, 1) << "the good iocb before the bad one is submitted";
  EXPECT_EQ(run.steps.at("second-bad-event").result, 4096);
  EXPECT_EQ(run.steps.at("pwritev").result, -EINVAL);
  EXPECT_EQ(run.steps.at("fsync").result, 1) << "an iocb without a buffer is never checked";
  const auto reports = ReadJsonLines(log_);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0]["call"], "io_submit:pwrite");
  EXPECT_EQ(reports[0]["offset"], 0);
  EXPECT_EQ(reports[1]["offset"], 8192);
  EXPECT_EQ(reports[2]["call"], "io_submit:pwritev");
  EXPECT_EQ(reports[2]["segment"], 1);
  EXPECT_EQ(reports[2]["segments"], 2);
  // Each call site is the io_submit line of aio_probe.c.
  const std::string source = std::string(PROGRAMS_SOURCE) + "/aio_probe.c";
  const int lines[] = {LineOf(source, "printf(\"misaligned"), LineOf(source, "submitted = io_submit(context, 2"),
                       LineOf(source, "printf(\"pwritev")};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(SourceLineOf(reports[i]["call_site"][0]), "aio_probe.c:" + std::to_string(lines[i])) << reports[i];
  }
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), '\n'), 3) << run.errors;
  EXPECT_NE(run.errors.find("libdiocheck: refused io_submit:pwritev(fd "), std::string::npos) << run.errors;
}

TEST_F(PreloadAioTest, RecordModeSubmitsEverythingAndReports) {
  if (std::string(AIO_PROBE).empty()) GTEST_SKIP() << "libaio-dev is not installed (scripts/install-deps.sh)";
  const ProbeRun run = RunPreloaded({AIO_PROBE, file_}, Environment("record"));
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;
  EXPECT_EQ(run.steps.at("misaligned").result, 1);
  EXPECT_EQ(run.steps.at("second-bad").result, 2);
  const auto reports = ReadJsonLines(log_);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0]["mode"], "record");
  EXPECT_NE(run.errors.find("libdiocheck: let through (record mode) io_submit:pwrite"), std::string::npos);
}

// fio --ioengine=libaio with misaligned buffers: fio's job fails with EINVAL
// and the report names fio's own code; page-aligned buffers pass unreported.
TEST_F(PreloadAioTest, FioLibaioEngine) {
  if (const auto reason = FioUnavailableReason()) GTEST_SKIP() << *reason;
  const auto fio = [&](const std::string& iomem_align) {
    return RunPreloaded({"/bin/sh", "-c",
                         "exec fio --name=job --filename=" + file_ +
                             " --ioengine=libaio --direct=1 --bs=4k --size=64k --rw=write --iodepth=4"
                             " --iomem_align=" + iomem_align},
                        Environment());
  };
  const ProbeRun aligned = fio("4096");
  EXPECT_EQ(aligned.exit_code, 0) << aligned.output << aligned.errors;
  EXPECT_TRUE(ReadJsonLines(log_).empty());
  const ProbeRun misaligned = fio("100");
  EXPECT_NE(misaligned.exit_code, 0) << misaligned.output;
  EXPECT_NE((misaligned.output + misaligned.errors).find("Invalid argument"), std::string::npos) << misaligned.output;
  const auto reports = ReadJsonLines(log_);
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports[0]["call"], "io_submit:pwrite");
  EXPECT_EQ(reports[0]["length"], 4096);
  ASSERT_FALSE(reports[0]["call_site"].empty());
  EXPECT_NE(reports[0]["call_site"][0].get<std::string>().find("fio"), std::string::npos) << reports[0];
  EXPECT_NE(misaligned.errors.find("libdiocheck: refused io_submit:pwrite(fd "), std::string::npos) << misaligned.errors;
}

}  // namespace
}  // namespace diocheck_test
