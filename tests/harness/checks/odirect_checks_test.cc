#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"
#include "tests/harness/checks/check_test_util.h"
#include "tests/migration/format/small_stream.h"

namespace dioh::checks {
namespace {

using testing::BaseInput;
using testing::kHarnessPid;
using testing::kLoadPid;
using testing::kSavePid;
using testing::LogBuilder;

constexpr std::uint32_t kOutDirect = O_WRONLY | O_DIRECT;

// Save: main channel (fh 1, tid 100) writes the header; channels fh 2 and 3.
LogBuilder SaveLog(std::uint32_t channel_flags) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY);
  log.Open(kSavePid, 11, 2, channel_flags);
  log.Open(kSavePid, 12, 3, channel_flags);
  log.Write(kSavePid, 11, 2, 0x100000, 16384, channel_flags);
  log.Write(kSavePid, 12, 3, 0x104000, 4096, channel_flags);
  return log;
}

// A libdiocheck report from the save engine's thread 11, as diofs logs it.
void AddViolation(LogBuilder& log) {
  diofs::oplog::LogRecord& v = log.Add(diofs::OpKind::kViolation, kSavePid, 11, 0);
  v.path = "/.diofs/violation";
  v.rule = diofs::Rule::kMemAlign;
  v.text = R"({"diocheck":"mem_align","call":"pwritev2","address":"0x5581000008","length":4096,"mem_align":4096})";
}

TEST(ODirectAligned, PassesAlignedTransfersAndFailsTheFirstMisalignedOffset) {
  LogBuilder log = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&log.records());
  EXPECT_EQ(CheckODirectAligned(in).status, CheckStatus::kPass);
  log.Write(kSavePid, 4711, 3, 0x100200, 4096, kOutDirect).seq = 812;
  const CheckResult r = CheckODirectAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "write seq 812 tid 4711 offset 0x100200 length 4096: offset not a multiple of 4096");
}

TEST(ODirectAligned, FailsAMisalignedLengthOfALoadRead) {
  LogBuilder log = SaveLog(kOutDirect);
  log.Read(kLoadPid, 21, 5, 0x100000, 6000, O_RDONLY | O_DIRECT);
  CheckInput in = BaseInput(&log.records());
  const CheckResult r = CheckODirectAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find("length not a multiple of 4096"), std::string::npos) << r.detail;
}

// On strict-64k the 4 KiB page writes are refused with EINVAL: when the
// expected outcome says so (rejected_io), those refusals are that outcome;
// a misaligned write that got through still fails the check.
TEST(ODirectAligned, RefusedTransfersPassOnlyWhenTheExpectedOutcomeIsTheirRefusal) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY);
  log.Open(kSavePid, 11, 2, kOutDirect);
  log.Write(kSavePid, 11, 2, 0x100000, 65536, kOutDirect);
  diofs::oplog::LogRecord& refused = log.Write(kSavePid, 11, 2, 0x111000, 4096, kOutDirect);
  refused.result = -EINVAL;
  refused.rule = diofs::Rule::kOffsetAlign;
  refused.verdict = diofs::Verdict::kRejected;
  CheckInput in = BaseInput(&log.records());
  in.profile = testing::Preset("strict-64k");
  in.save = {MigrationEnd::kFailed, "multifd send (0): pwritev of 0x1000 bytes at 0x101000 (ramblock pc.ram): pwritev: Invalid argument"};
  in.expected = ExpectedOutcome::Failure("multifd send (*): *");
  EXPECT_EQ(CheckODirectAligned(in).status, CheckStatus::kFail);
  in.expected->rejected_io = true;
  const CheckResult r = CheckODirectAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_NE(r.detail.find("refused by the profile, as expected"), std::string::npos) << r.detail;
  log.Write(kSavePid, 11, 2, 0x118000, 4096, kOutDirect);  // misaligned for 64 KiB, and let through
  EXPECT_EQ(CheckODirectAligned(in).status, CheckStatus::kFail);
}

TEST(ODirectAligned, IgnoresOtherProcessesAndBufferedTransfers) {
  LogBuilder log = SaveLog(kOutDirect);
  log.Read(kHarnessPid, 300, 9, 0x10, 100, O_RDONLY | O_DIRECT);  // the harness copying the file out
  log.Write(kSavePid, 100, 1, 0x8a, 64, O_WRONLY);                 // buffered main channel
  EXPECT_EQ(CheckODirectAligned(BaseInput(&log.records())).status, CheckStatus::kPass);
}

// Offsets and lengths only: a libdiocheck report is buffers-aligned's.
TEST(ODirectAligned, LeavesBufferReportsToBuffersAligned) {
  LogBuilder log = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&log.records());
  AddViolation(log);
  EXPECT_EQ(CheckODirectAligned(in).status, CheckStatus::kPass);
  in.profile = testing::Preset("tmpfs");
  const CheckResult r = CheckODirectAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kSkip);
  EXPECT_EQ(r.detail, "profile tmpfs has no offset or length alignment");
}

TEST(BuffersAligned, FailsALibdiocheckReportEvenOnALenientProfile) {
  LogBuilder log = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&log.records());
  in.profile = testing::Preset("tmpfs");
  AddViolation(log);
  AddViolation(log);
  const CheckResult r = CheckBuffersAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "libdiocheck report seq 7 tid 11: pwritev2 buffer 0x5581000008 (segment length 4096) not aligned "
                      "to 4096 in memory (2 reports)");
}

// Nothing looked at the buffers unless libdiocheck was loaded and saw
// O_DIRECT transfers under a profile with a buffer rule: no pass without that.
TEST(BuffersAligned, PassesOnlyWhatLibdiocheckCouldSee) {
  LogBuilder log = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&log.records());
  CheckResult r = CheckBuffersAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kSkip);
  EXPECT_EQ(r.detail, "libdiocheck not loaded (no \"preload\": true, or libdiocheck.so not found): buffer addresses not checked");
  in.facts.diocheck_preloaded = true;
  r = CheckBuffersAligned(in);
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_EQ(r.detail, "libdiocheck saw 2 O_DIRECT transfers: no buffer address or length off the 4096-byte memory alignment");
  in.profile = testing::Preset("tmpfs");
  EXPECT_EQ(CheckBuffersAligned(in).detail, "profile tmpfs has no buffer alignment: libdiocheck checks nothing there");
  LogBuilder buffered = SaveLog(O_WRONLY);
  CheckInput none = BaseInput(&buffered.records());
  none.facts.diocheck_preloaded = true;
  r = CheckBuffersAligned(none);
  EXPECT_EQ(r.status, CheckStatus::kSkip);
  EXPECT_NE(r.detail.find("made no O_DIRECT transfer"), std::string::npos) << r.detail;
  EXPECT_EQ(CheckBuffersAligned(CheckInput{}).status, CheckStatus::kSkip);
}

TEST(ODirectAligned, FailsARecordDiofsFlagged) {
  LogBuilder log = SaveLog(kOutDirect);
  diofs::oplog::LogRecord& w = log.Write(kSavePid, 11, 2, 0x200000, 512, O_WRONLY);
  w.rule = diofs::Rule::kLengthAlign;
  w.verdict = diofs::Verdict::kRecorded;
  const CheckResult r = CheckODirectAligned(BaseInput(&log.records()));
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find("(diofs recorded it)"), std::string::npos) << r.detail;
}

TEST(ODirectIffDirectIo, EffectiveNeedsODirectOnEveryChannelTransfer) {
  LogBuilder direct = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&direct.records());
  in.facts.direct_io_requested = in.facts.direct_io_effective = true;
  EXPECT_EQ(CheckODirectIffDirectIo(in).status, CheckStatus::kPass);
  LogBuilder buffered = SaveLog(O_WRONLY);
  in.records = RecordSource(&buffered.records());
  const CheckResult r = CheckODirectIffDirectIo(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "silent buffered fallback: write seq 5 tid 11 offset 0x100000 length 16384 by channel handle 2 "
                      "without O_DIRECT while direct-io is effective");
}

TEST(ODirectIffDirectIo, AFailedODirectOpenAndItsPlainProbeMoveNoData) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY);
  log.Open(kSavePid, 11, 0, kOutDirect).result = -EINVAL;
  log.Open(kSavePid, 11, 2, O_WRONLY);  // the engine words QEMU's error
  CheckInput in = BaseInput(&log.records());
  in.facts.direct_io_requested = in.facts.direct_io_effective = true;
  EXPECT_EQ(CheckODirectIffDirectIo(in).status, CheckStatus::kPass);
}

TEST(ODirectIffDirectIo, RequestedButNotEffectiveSaysWhy) {
  LogBuilder log = SaveLog(O_WRONLY);
  CheckInput in = BaseInput(&log.records());
  in.facts.direct_io_requested = true;
  in.facts.direct_io_not_effective = "multifd is off";
  const CheckResult r = CheckODirectIffDirectIo(in);
  EXPECT_EQ(r.status, CheckStatus::kPass);
  EXPECT_EQ(r.detail, "direct-io not effective: multifd is off");
  log.Open(kLoadPid, 200, 4, O_RDONLY | O_DIRECT);
  const CheckResult used = CheckODirectIffDirectIo(in);
  EXPECT_EQ(used.status, CheckStatus::kFail);
  EXPECT_EQ(used.detail, "direct-io not effective (multifd is off), yet open seq 7 tid 200 used O_DIRECT");
}

TEST(MainChannelBuffered, FailsAMainChannelOpenedWithODirect) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY | O_DIRECT);
  log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY | O_DIRECT).result = -EINVAL;
  const CheckResult r = CheckMainChannelBuffered(BaseInput(&log.records()));
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "save main channel opened with O_DIRECT: open seq 1 tid 100 (handle 1)");
}

TEST(MainChannelBuffered, FindsTheLoadMainChannelByItsHeaderRead) {
  LogBuilder log = SaveLog(kOutDirect);
  log.Open(kLoadPid, 21, 7, O_RDONLY | O_DIRECT);  // a channel opened first
  log.Open(kLoadPid, 200, 8, O_RDONLY | O_DIRECT);
  log.Read(kLoadPid, 200, 8, 0, 65536, O_RDONLY | O_DIRECT);
  const CheckResult r = CheckMainChannelBuffered(BaseInput(&log.records()));
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "load main channel opened with O_DIRECT: open seq 8 tid 200 (handle 8)");
}

TEST(MainChannelBuffered, FailsAnODirectWriteOutsideThePagesRegions) {
  const auto stream = mrm::format::testing::BuildSmallStream();
  mrm::format::MemoryByteSource file(stream.bytes);
  LogBuilder log = SaveLog(kOutDirect);
  CheckInput in = BaseInput(&log.records());
  in.file = &file;
  const CheckResult good = CheckMainChannelBuffered(in);
  EXPECT_EQ(good.status, CheckStatus::kPass) << good.detail;
  const std::uint64_t bitmap = stream.layouts[0].bitmap_offset;
  log.Write(kSavePid, 11, 2, bitmap, 64, kOutDirect);
  const CheckResult r = CheckMainChannelBuffered(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "main-channel data through O_DIRECT: write seq 7 tid 11 offset " + Hex(bitmap) +
                          " length 64 lies outside every pages region");
}

TEST(MainChannelBuffered, SkipsWhenNoEngineOpenedTheFile) {
  LogBuilder log;
  log.Open(kHarnessPid, 300, 1, O_RDONLY);
  EXPECT_EQ(CheckMainChannelBuffered(BaseInput(&log.records())).status, CheckStatus::kSkip);
}

}  // namespace
}  // namespace dioh::checks
