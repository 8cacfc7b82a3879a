// libdiocheck.so loaded into a real program (diocheck_probe) with
// LD_PRELOAD, on a real filesystem: a folder under $TMPDIR or /tmp. The
// alignment comes from statx STATX_DIOALIGN where the filesystem reports it,
// else from DIOCHECK_MEM_ALIGN=4096; each test prints which path it took.
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include <gtest/gtest.h>

#include "preload_test_support.h"

namespace diocheck_test {
namespace {

class PreloadTest : public DirectFileTest {
 protected:
  ProbeRun Run(const std::string& scenario, std::vector<std::string> environment = {},
               const std::string& program = DIOCHECK_PROBE) {
    environment.push_back("DIOCHECK_LOG=" + log_);
    // Ignored when statx reports an alignment (statx outranks it).
    environment.push_back("DIOCHECK_MEM_ALIGN=4096");
    ProbeRun run = RunProbe(scenario, file_, environment, true, program);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return run;
  }

  std::vector<nlohmann::json> Reports() { return ReadJsonLines(log_); }

  // Runs every-call with `program`; expects each transfer rejected and
  // reported once under the symbol name the program's headers chose.
  void ExpectEveryCallCaught(const std::string& program, const std::vector<std::string>& calls) {
    const ProbeRun run = Run("every-call", {}, program);
    for (const char* step : {"write", "read", "pwrite", "pread", "writev", "readv", "pwritev",
                             "preadv", "pwritev2", "preadv2"}) {
      EXPECT_EQ(run.steps.at(step).error, EINVAL) << step;
    }
    EXPECT_EQ(run.steps.at("setfl").result, 0);
    EXPECT_EQ(run.steps.at("buffered").result, 4096);
    std::vector<std::string> reported;
    for (const auto& report : Reports()) reported.push_back(report["call"]);
    EXPECT_EQ(reported, calls);
  }

};

TEST_F(PreloadTest, MisalignedPwriteFailsWithEinvalAndOneReport) {
  const ProbeRun run = Run("misaligned-pwrite");
  EXPECT_EQ(run.steps.at("pwrite").result, -1);
  EXPECT_EQ(run.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(run.steps.at("size").result, 0) << "nothing may be written";
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  const auto& report = reports[0];
  EXPECT_EQ(report["call"], "pwrite");
  EXPECT_EQ(report["path"], file_);
  EXPECT_EQ(report["offset"], 0);
  EXPECT_EQ(report["segment"], 0);
  EXPECT_EQ(report["length"], 4096);
  EXPECT_EQ(report["mem_align"], mem_align_);
  EXPECT_EQ(report["align_source"], source_);
  EXPECT_EQ(report["mode"], "einval");
  EXPECT_EQ(report["pid"], report["tid"]);  // the probe's main thread
  const auto address = std::stoull(report["address"].get<std::string>(), nullptr, 16);
  EXPECT_EQ(address % 16, 8u) << "malloc() + 8";
}

TEST_F(PreloadTest, AlignedTransfersPassWithoutReport) {
  const ProbeRun run = Run("aligned-pwrite");
  EXPECT_EQ(run.steps.at("pwrite").result, 4096);
  EXPECT_EQ(run.steps.at("pread").result, 4096);
  EXPECT_TRUE(Reports().empty());
}

TEST_F(PreloadTest, PwritevNamesTheOneMisalignedSegment) {
  const ProbeRun run = Run("pwritev-one-bad");
  EXPECT_EQ(run.steps.at("pwritev").error, EINVAL);
  EXPECT_EQ(run.steps.at("pwritev2").error, EINVAL);
  EXPECT_EQ(run.steps.at("pwritev-aligned").result, 3 * 4096);
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["call"], "pwritev");
  EXPECT_EQ(reports[1]["call"], "pwritev2");
  for (const auto& report : reports) {
    EXPECT_EQ(report["segment"], 1);
    EXPECT_EQ(report["segments"], 3);
    EXPECT_EQ(report["misaligned_segments"], 1);
  }
}

TEST_F(PreloadTest, BufferedDescriptorIsNeverChecked) {
  const ProbeRun run = Run("buffered");
  EXPECT_EQ(run.steps.at("pwrite").result, 100);
  EXPECT_EQ(run.steps.at("write").result, 7);
  EXPECT_EQ(run.steps.at("pread").result, 50);
  EXPECT_TRUE(Reports().empty());
}

TEST_F(PreloadTest, FcntlTurnsCheckingOnAndOff) {
  const ProbeRun run = Run("fcntl-toggle");
  EXPECT_EQ(run.steps.at("buffered").result, 4096);
  EXPECT_EQ(run.steps.at("setfl-direct").result, 0);
  EXPECT_EQ(run.steps.at("direct").error, EINVAL);
  EXPECT_EQ(run.steps.at("setfl-buffered").result, 0);
  EXPECT_EQ(run.steps.at("buffered-again").result, 4096);
  EXPECT_EQ(Reports().size(), 1u);
}

TEST_F(PreloadTest, DuplicatesShareTheDescriptionsFlags) {
  const ProbeRun run = Run("dup");
  for (const char* step : {"dup", "dup2", "dup3", "dupfd", "after-close"}) {
    EXPECT_EQ(run.steps.at(step).error, EINVAL) << step;
  }
  EXPECT_EQ(run.steps.at("clear-on-dup").result, 0);
  EXPECT_EQ(run.steps.at("other-dup").result, 4096) << "F_SETFL on one dup changes all";
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[1]["fd"], 100);
  EXPECT_EQ(reports[2]["fd"], 101);
  EXPECT_EQ(reports[3]["fd"], 102);
}

TEST_F(PreloadTest, DescriptorOpenedBehindItsBackIsCheckedByKernelFlags) {
  const ProbeRun run = Run("unseen");
  EXPECT_EQ(run.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(run.steps.at("read").error, EINVAL);
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1]["call"], "read");
  EXPECT_FALSE(reports[1].contains("offset")) << "read(2) has no offset";
}

TEST_F(PreloadTest, EveryTransferCallIsInterposed) {
  ExpectEveryCallCaught(DIOCHECK_PROBE, {"write", "read", "pwrite", "pread", "writev", "readv",
                                         "pwritev", "preadv", "pwritev2", "preadv2"});
}

TEST_F(PreloadTest, LargeFileAndFortifyAliasesAreInterposed) {
  ExpectEveryCallCaught(DIOCHECK_PROBE_LFS,
                        {"write", "__read_chk", "pwrite64", "__pread64_chk", "writev", "readv",
                         "pwritev64", "preadv64", "pwritev64v2", "preadv64v2"});
}

TEST_F(PreloadTest, SuccessfulCallsKeepErrno) {
  // A mount table that cannot be opened: the library's own open fails
  // with ENOENT inside the program's successful open.
  const ProbeRun run = Run("errno-kept", {"DIOCHECK_MOUNTINFO=" + dir_.path() + "/missing"});
  for (const char* step : {"open-errno", "pwrite-errno", "unseen-errno", "fcntl-errno"}) {
    EXPECT_EQ(run.steps.at(step).result, 1234) << step;
  }
}

TEST_F(PreloadTest, RecordModeReportsAndChangesNothing) {
  const ProbeRun recorded = Run("misaligned-pwrite", {"DIOCHECK_MODE=record"});
  // What the kernel alone does with the same call, in the same folder.
  const ProbeRun baseline = RunProbe("misaligned-pwrite", file_ + ".baseline", {}, false);
  EXPECT_EQ(recorded.steps.at("pwrite").result, baseline.steps.at("pwrite").result);
  EXPECT_EQ(recorded.steps.at("pwrite").error, baseline.steps.at("pwrite").error);
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["mode"], "record");
}

TEST_F(PreloadTest, DiocheckRunPreloadsTheLibraryWithItsOptions) {
  const ProbeRun run = RunCommand({DIOCHECK_RUN, "--mode", "record", "--log", log_, "--mem-align",
                                   "4096", "--", DIOCHECK_PROBE, "misaligned-pwrite", file_},
                                  {});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["mode"], "record");
  EXPECT_EQ(reports[0]["mem_align"], mem_align_);
  EXPECT_NE(run.errors.find("libdiocheck: let through (record mode) pwrite"), std::string::npos) << run.errors;
  const ProbeRun quiet = RunCommand({DIOCHECK_RUN, "--quiet", "--log", log_, "--", DIOCHECK_PROBE, "misaligned-pwrite",
                                     file_},
                                    {});
  EXPECT_EQ(quiet.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(quiet.errors, "");
  EXPECT_EQ(Reports().size(), 2u);
}

TEST_F(PreloadTest, EightThreadsEveryViolationReportedExactlyOnce) {
  const ProbeRun run = Run("threads");
  const long issued = run.steps.at("issued").result;
  ASSERT_GT(issued, 0);
  EXPECT_EQ(run.steps.at("rejected").result, issued);
  EXPECT_EQ(run.steps.at("unexpected").result, 0);
  const auto reports = Reports();
  EXPECT_EQ(static_cast<long>(reports.size()), issued);
  std::map<long, long> per_thread;
  for (const auto& report : reports) ++per_thread[report["tid"].get<long>()];
  EXPECT_EQ(per_thread.size(), 8u);
  for (const auto& [tid, count] : per_thread) EXPECT_EQ(count, issued / 8) << "tid " << tid;
}

TEST_F(PreloadTest, ARefusedCallIsOneLineOnStderrUnlessQuiet) {
  const ProbeRun run = Run("misaligned-pwrite");
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), '\n'), 1) << run.errors;
  EXPECT_EQ(run.errors.rfind("libdiocheck: refused pwrite(fd ", 0), 0u) << run.errors;
  EXPECT_NE(run.errors.find(file_ + ", offset 0, 4096 bytes): buffer address 0x"), std::string::npos) << run.errors;
  EXPECT_NE(run.errors.find(" is not a multiple of " + std::to_string(mem_align_) + " (" + source_ + "); thread "),
            std::string::npos)
      << run.errors;
  EXPECT_NE(run.errors.find("; call site: "), std::string::npos) << run.errors;
  const ProbeRun quiet = Run("misaligned-pwrite", {"DIOCHECK_QUIET=1"});
  EXPECT_EQ(quiet.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(quiet.errors, "");
  EXPECT_EQ(Reports().size(), 2u) << "quiet on stderr, still reported";
}

// A C program writing from malloc()'s buffer: refused, and the call site
// libdiocheck reports is the line of its pwrite.
TEST_F(PreloadTest, TheCallSiteIsTheLineOfTheCall) {
  const ProbeRun run = RunPreloaded({MALLOC_PWRITE, file_}, {"DIOCHECK_LOG=" + log_, "DIOCHECK_MEM_ALIGN=4096"});
  const long remainder = std::stol(run.output.substr(run.output.find("remainder ") + 10));
  ASSERT_NE(remainder % mem_align_, 0) << "malloc_pwrite moves an aligned block 16 bytes in";
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("pwrite -1 22"), std::string::npos) << run.output;
  const auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_TRUE(reports[0].contains("call_site")) << reports[0];
  const std::string frame = reports[0]["call_site"][0];
  const std::string source = std::string(PROGRAMS_SOURCE) + "/malloc_pwrite.c";
  EXPECT_EQ(SourceLineOf(frame), "malloc_pwrite.c:" + std::to_string(LineOf(source, "/* the call site */")));
  EXPECT_EQ(frame.rfind(std::string(MALLOC_PWRITE) + "+0x", 0), 0u) << frame;
  EXPECT_NE(run.errors.find("; call site: " + frame), std::string::npos) << run.errors;
}

}  // namespace
}  // namespace diocheck_test
