// libdiocheck.so on a real diofs mount: the library finds the mount, reads
// its profile's mem_align from .diofs/profile, and reports each violation to
// .diofs/violation, where diofs counts it (and logs it, with the thread).
#include <gtest/gtest.h>

#include "preload_test_support.h"
#include "tests/fs/daemon/mount_test_util.h"

namespace diocheck_test {
namespace {

ProbeRun RunOn(const dioh::MountedDiofs& mount, const std::string& scenario, const std::string& mode,
               const std::string& log) {
  return RunProbe(scenario, mount.Path("data"), {"DIOCHECK_MODE=" + mode, "DIOCHECK_LOG=" + log});
}

TEST(DiofsMountPreloadTest, MisalignedBufferIsRejectedAndReportedToDiofs) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  TempDir dir;
  const ProbeRun run = RunOn(*mount, "misaligned-pwrite", "einval", dir.path() + "/log.jsonl");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(run.steps.at("size").result, 0) << "nothing may be written";
  const auto lines = ReadJsonLines(dir.path() + "/log.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["align_source"], "diofs");
  EXPECT_EQ(lines[0]["mem_align"], 4096);
  const auto stats = diofs_test::Stats(*mount);
  EXPECT_EQ(stats["ops"]["violation"], 1);
  EXPECT_EQ(stats["violations"]["rejected"]["mem_align"], 1);
}

TEST(DiofsMountPreloadTest, RecordModeWritesAndDiofsCountsItAsRecorded) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  TempDir dir;
  const ProbeRun run = RunOn(*mount, "misaligned-pwrite", "record", dir.path() + "/log.jsonl");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.steps.at("pwrite").result, 4096);
  const auto stats = diofs_test::Stats(*mount);
  EXPECT_EQ(stats["violations"]["recorded"]["mem_align"], 1);
  EXPECT_EQ(stats["violations"]["rejected"]["mem_align"], 0);
}

TEST(DiofsMountPreloadTest, TheMountsProfileDecidesNotTheBackingFilesystem) {
  // 4 KiB aligned, not 8 KiB: only a profile with mem_align 8192 objects.
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--dio-mem-align", "8192"});
  TempDir dir;
  const ProbeRun run = RunOn(*mount, "aligned-4k-not-8k", "einval", dir.path() + "/log.jsonl");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.steps.at("pwrite").error, EINVAL);
  const auto lines = ReadJsonLines(dir.path() + "/log.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["mem_align"], 8192);

  DIOFS_MOUNT_OR_SKIP(lenient, {"--profile", "lenient"});
  const ProbeRun free_run = RunOn(*lenient, "misaligned-pwrite", "einval", dir.path() + "/lenient.jsonl");
  EXPECT_EQ(free_run.steps.at("pwrite").result, 4096) << "a profile without a memory rule checks nothing";
  EXPECT_TRUE(ReadJsonLines(dir.path() + "/lenient.jsonl").empty());
}

// A C program's malloc()'d buffer written inside the mount: refused, its
// call site in the op log (the violation record) and on diofs -v's stderr.
TEST(DiofsMountPreloadTest, TheCallSiteReachesTheOpLogAndDiofsVerbose) {
  TempDir dir;
  const std::string log = dir.path() + "/ops.log";
  std::string reported;
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "-v", "--log", log});
    const ProbeRun run = RunPreloaded({MALLOC_PWRITE, mount->Path("f")}, {});
    const long remainder = std::stol(run.output.substr(run.output.find("remainder ") + 10));
    ASSERT_NE(remainder, 0) << "malloc_pwrite moves a page-aligned block 16 bytes in";
    EXPECT_EQ(run.exit_code, 1) << run.output;
    const std::string frame = run.errors.substr(run.errors.find("; call site: ") + 13);
    const std::string first = frame.substr(0, frame.find(' '));
    EXPECT_EQ(SourceLineOf(first),
              "malloc_pwrite.c:" + std::to_string(LineOf(std::string(PROGRAMS_SOURCE) + "/malloc_pwrite.c",
                                                         "/* the call site */")));
    reported = mount->DaemonStderr();
    EXPECT_NE(reported.find("diofs: libdiocheck refused pwrite on " + mount->Path("f") +
                            ": buffer 0x"),
              std::string::npos)
        << reported;
    EXPECT_NE(reported.find("(strict-4k wants buffers aligned to 4096), thread "), std::string::npos) << reported;
    EXPECT_NE(reported.find(", at " + first), std::string::npos) << reported;
  }
  const diofs_test::CommandResult dump =
      diofs_test::RunShell(std::string(DIOHARNESS_BINARY) + " log dump --json --filter op=violation " + log);
  EXPECT_EQ(dump.status, 0) << dump.output;
  EXPECT_NE(dump.output.find("call_site"), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find(std::string(MALLOC_PWRITE) + "+0x"), std::string::npos) << dump.output;
}

// fio on a strict-4k mount, as a CI job would run it: with libdiocheck, each
// engine's misaligned buffers (--iomem_align=100) are refused and counted by
// diofs as mem_align while page-aligned 4 KiB jobs pass; without it, diofs
// alone refuses 512-byte blocks. tmpfs accepts all of it.
TEST(DiofsMountPreloadTest, FioJobsPsyncAndLibaio) {
  if (const auto reason = FioUnavailableReason()) GTEST_SKIP() << *reason;
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  const auto fio = [&](const std::string& engine, const std::string& bs, const std::string& iomem_align) {
    return RunPreloaded({"/bin/sh", "-c",
                         "exec fio --name=job --filename=" + mount->Path("f") + " --direct=1 --size=64k --rw=write" +
                             " --ioengine=" + engine + " --bs=" + bs + " --iomem_align=" + iomem_align +
                             " --iodepth=4"},
                        {"DIOCHECK_QUIET=1"});
  };
  for (const char* engine : {"psync", "libaio"}) {
    EXPECT_EQ(fio(engine, "4k", "4096").exit_code, 0) << engine;
    EXPECT_NE(fio(engine, "4k", "100").exit_code, 0) << engine;
  }
  auto stats = diofs_test::Stats(*mount);
  const int mem_align_refusals = stats["violations"]["rejected"]["mem_align"];
  EXPECT_GE(mem_align_refusals, 2) << stats;
  EXPECT_EQ(stats["violations"]["rejected"]["offset_align"], 0) << stats;
  // No preload: 512-byte transfers break diofs' own offset and length rule.
  const ProbeRun small = RunCommand({"/bin/sh", "-c",
                                     "exec fio --name=job --filename=" + mount->Path("g") +
                                         " --direct=1 --size=64k --rw=write --ioengine=psync --bs=512"},
                                    {});
  EXPECT_NE(small.exit_code, 0) << small.output;
  stats = diofs_test::Stats(*mount);
  EXPECT_GE(stats["violations"]["rejected"]["length_align"].get<int>() +
                stats["violations"]["rejected"]["offset_align"].get<int>(),
            1)
      << stats;
}

}  // namespace
}  // namespace diocheck_test
