// The exec verdict over hand-made op-log records: violations named with
// offset, length, path and thread; fallbacks only by the same process on the
// same path after a refusal; record mode; libdiocheck's reports; the counts.
#include "harness/exec/exec_judge.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace {

using diofs::OpKind;
using diofs::Rule;
using diofs::oplog::LogRecord;
using dioh::exec::Judge;
using diofs::oplog::RecordSource;

constexpr const char* kMount = "/tmp/d/mnt";

LogRecord Op(OpKind kind, std::string path, std::uint32_t pid, std::uint32_t flags, std::uint64_t offset = 0,
             std::uint64_t length = 0) {
  static std::uint64_t seq = 0;
  LogRecord r;
  r.seq = ++seq;
  r.kind = kind;
  r.path = std::move(path);
  r.pid = pid;
  r.tid = pid + 1;
  r.flags = flags;
  r.offset = offset;
  r.length = length;
  r.result = static_cast<std::int64_t>(length);
  return r;
}

LogRecord Refused(LogRecord r, Rule rule, diofs::Verdict verdict = diofs::Verdict::kRejected) {
  r.rule = rule;
  r.verdict = verdict;
  r.result = verdict == diofs::Verdict::kRejected ? -EINVAL : r.result;
  return r;
}

constexpr std::uint32_t kDirect = O_WRONLY | O_DIRECT;

TEST(ExecJudgeTest, AlignedDirectIoPassesAndIsCounted) {
  const std::vector<LogRecord> log = {Op(OpKind::kCreate, "/f", 10, kDirect), Op(OpKind::kWrite, "/f", 10, kDirect, 0, 4096),
                                      Op(OpKind::kRead, "/f", 10, O_RDONLY, 0, 4096)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  EXPECT_FALSE(j.failed());
  EXPECT_EQ(j.counts.records, 3u);
  EXPECT_EQ(j.counts.opens, 1u);
  EXPECT_EQ(j.counts.direct_opens, 1u);
  EXPECT_EQ(j.counts.direct_writes, 1u);
  EXPECT_EQ(j.counts.bytes_written, 4096u);
  EXPECT_EQ(j.counts.reads, 1u);
  EXPECT_EQ(j.counts.direct_reads, 0u);
}

TEST(ExecJudgeTest, MisalignedWriteIsAViolationNamingOffsetLengthPathThread) {
  const std::vector<LogRecord> log = {Op(OpKind::kOpen, "/f", 10, kDirect),
                                      Refused(Op(OpKind::kWrite, "/f", 10, kDirect, 512, 100), Rule::kLengthAlign)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  ASSERT_EQ(j.violations.size(), 1u);
  const auto& v = j.violations[0];
  EXPECT_EQ(v.rule, "length");
  EXPECT_EQ(v.offset, 512u);
  EXPECT_EQ(v.length, 100u);
  EXPECT_TRUE(v.refused);
  EXPECT_EQ(j.counts.refused, 1u);
  const std::string text = dioh::exec::Describe(v);
  for (const char* part : {"write /f", "offset 512", "length 100", "thread 11 of pid 10", "refused"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
  }
  EXPECT_TRUE(j.fallbacks.empty());
}

TEST(ExecJudgeTest, RefusedOpenThenBufferedWritesBySameProcessIsAFallback) {
  const std::vector<LogRecord> log = {
      Refused(Op(OpKind::kCreate, "/f", 10, kDirect), Rule::kODirectUnsupported), Op(OpKind::kOpen, "/f", 10, O_WRONLY),
      Op(OpKind::kWrite, "/f", 10, O_WRONLY, 0, 4096), Op(OpKind::kWrite, "/f", 10, O_WRONLY, 4096, 4096)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  ASSERT_EQ(j.fallbacks.size(), 1u);
  EXPECT_EQ(j.fallbacks[0].pid, 10u);
  EXPECT_EQ(j.fallbacks[0].path, "/f");
  EXPECT_EQ(j.fallbacks[0].buffered_transfers, 2u);
  EXPECT_EQ(j.fallbacks[0].buffered_bytes, 8192u);
  EXPECT_NE(j.fallbacks[0].cause.find("open O_DIRECT refused"), std::string::npos);
  EXPECT_EQ(j.violations.size(), 1u);
  EXPECT_TRUE(j.failed());
}

TEST(ExecJudgeTest, BufferedIoByAnotherProcessOrOnAnotherPathIsNoFallback) {
  const std::vector<LogRecord> log = {Refused(Op(OpKind::kCreate, "/f", 10, kDirect), Rule::kODirectUnsupported),
                                      Op(OpKind::kWrite, "/f", 20, O_WRONLY, 0, 4096),
                                      Op(OpKind::kWrite, "/g", 10, O_WRONLY, 0, 4096)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  EXPECT_TRUE(j.fallbacks.empty());
  EXPECT_EQ(j.violations.size(), 1u);
}

TEST(ExecJudgeTest, BufferedIoBeforeTheRefusalIsNoFallback) {
  const std::vector<LogRecord> log = {Op(OpKind::kWrite, "/f", 10, O_WRONLY, 0, 4096),
                                      Refused(Op(OpKind::kCreate, "/f", 10, kDirect), Rule::kODirectUnsupported)};
  EXPECT_TRUE(Judge(RecordSource(&log), {}, kMount).fallbacks.empty());
}

TEST(ExecJudgeTest, RecordModeListsWhatWouldBeRefusedAndForcesNoFallback) {
  const std::vector<LogRecord> log = {
      Refused(Op(OpKind::kWrite, "/f", 10, kDirect, 0, 100), Rule::kLengthAlign, diofs::Verdict::kRecorded),
      Op(OpKind::kWrite, "/f", 10, O_WRONLY, 0, 4096)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  ASSERT_EQ(j.violations.size(), 1u);
  EXPECT_FALSE(j.violations[0].refused);
  EXPECT_EQ(j.counts.recorded, 1u);
  EXPECT_EQ(j.counts.refused, 0u);
  EXPECT_TRUE(j.fallbacks.empty());
  EXPECT_NE(dioh::exec::Describe(j.violations[0]).find("let through"), std::string::npos);
}

TEST(ExecJudgeTest, FcntlClearingODirectIsAFallbackOnceBufferedIoFollows) {
  LogRecord change = Op(OpKind::kFlagChange, "/f", 10, O_WRONLY);
  change.aux = kDirect;
  const std::vector<LogRecord> log = {Op(OpKind::kOpen, "/f", 10, kDirect), change,
                                      Op(OpKind::kWrite, "/f", 10, O_WRONLY, 0, 10)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  ASSERT_EQ(j.fallbacks.size(), 1u);
  EXPECT_NE(j.fallbacks[0].cause.find("fcntl cleared O_DIRECT"), std::string::npos);
  EXPECT_TRUE(j.violations.empty());
}

// A 512-byte write from an aligned buffer on a 4096 profile: libdiocheck
// refuses the segment for its length, and the report must not blame the
// address (found running fio's 512-byte job under exec --preload).
TEST(ExecJudgeTest, ASegmentRefusedForItsLengthIsNotCalledAMisalignedAddress) {
  const std::vector<std::string> lines = {
      R"({"diocheck":"mem_align","pid":10,"tid":12,"path":"/tmp/x/f","call":"pwrite","offset":0,)"
      R"("length":512,"address":"0x7f0c2a400000","mem_align":4096,"align_source":"env","mode":"einval"})",
      R"({"diocheck":"mem_align","pid":10,"tid":12,"path":"/tmp/x/f","call":"pwrite","offset":0,)"
      R"("length":4096,"address":"0x55d0c0a2bef0","mem_align":4096,"align_source":"env","mode":"einval"})"};
  const auto j = Judge(RecordSource(), lines, kMount);
  ASSERT_EQ(j.violations.size(), 2u);
  const std::string length = dioh::exec::Describe(j.violations[0]);
  EXPECT_NE(length.find("buffer length 512 not a multiple of 4096 (its address 0x7f0c2a400000 is aligned)"),
            std::string::npos) << length;
  const std::string address = dioh::exec::Describe(j.violations[1]);
  EXPECT_NE(address.find("buffer 0x55d0c0a2bef0 not a multiple of 4096"), std::string::npos) << address;
}

TEST(ExecJudgeTest, LibdiocheckReportOnDiofsCarriesCallSiteAndCountsOnce) {
  LogRecord report = Op(OpKind::kViolation, "/.diofs/violation", 10, 0);
  report.rule = Rule::kMemAlign;
  report.verdict = diofs::Verdict::kRejected;
  report.text = R"({"diocheck":"mem_align","pid":10,"tid":12,"path":"/tmp/d/mnt/f","call":"pwrite","offset":0,)"
                R"("length":4096,"address":"0x55d0c0a2bef0","mem_align":4096,"align_source":"diofs","mode":"einval",)"
                R"("call_site":["/tmp/prog+0x123e","/lib/libc.so.6+0x27249"]})";
  // The same report in DIOCHECK_LOG: counted from the op log only.
  const std::vector<std::string> lines = {report.text};
  const std::vector<LogRecord> log = {Op(OpKind::kOpen, "/f", 10, kDirect), report,
                                      Op(OpKind::kWrite, "/f", 10, O_WRONLY, 0, 4096)};
  const auto j = Judge(RecordSource(&log), lines, kMount);
  ASSERT_EQ(j.violations.size(), 1u);
  EXPECT_EQ(j.violations[0].rule, "buffer");
  EXPECT_EQ(j.violations[0].path, "/f");
  EXPECT_EQ(j.violations[0].tid, 12u);
  ASSERT_EQ(j.violations[0].call_site.size(), 2u);
  EXPECT_NE(dioh::exec::Describe(j.violations[0]).find("call site: /tmp/prog+0x123e < /lib/libc.so.6+0x27249"),
            std::string::npos);
  // A refused buffer on /f then buffered writes there: a fallback too.
  EXPECT_EQ(j.fallbacks.size(), 1u);
}

TEST(ExecJudgeTest, LibdiocheckReportsOffTheMountAndIoUringNotice) {
  const std::vector<std::string> lines = {
      R"({"diocheck":"mem_align","pid":5,"tid":5,"path":"/dev/shm/f","call":"pwrite","offset":0,"length":4096,)"
      R"("address":"0x1","mem_align":512,"align_source":"env","mode":"einval","call_site":[]})",
      R"({"diocheck":"unchecked","pid":5,"tid":5,"what":"io_uring","call":"io_uring_setup","call_site":[]})",
      "not json"};
  const auto j = Judge(RecordSource(), lines, kMount);
  ASSERT_EQ(j.violations.size(), 1u);
  EXPECT_EQ(j.violations[0].path, "/dev/shm/f");
  ASSERT_EQ(j.unchecked.size(), 1u);
  EXPECT_NE(j.unchecked[0].find("io_uring in pid 5"), std::string::npos);
  ASSERT_EQ(j.unreadable.size(), 1u);
}

TEST(ExecJudgeTest, ControlFilesAreNotTheCommandsIo) {
  const std::vector<LogRecord> log = {Op(OpKind::kWrite, "/.diofs/mark", 10, O_WRONLY, 0, 5)};
  const auto j = Judge(RecordSource(&log), {}, kMount);
  EXPECT_EQ(j.counts.writes, 0u);
  EXPECT_EQ(j.counts.records, 1u);
}

}  // namespace
