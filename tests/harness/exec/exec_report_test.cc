// The exec exit status (env(1)/timeout(1) convention) and the report's
// checks, verdict and outcome line for each way a command can end.
#include "harness/exec/exec_report.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <csignal>

namespace {

using dioh::CheckStatus;
using dioh::Verdict;
using dioh::exec::CommandEnd;
using dioh::exec::ExitStatus;
using Kind = CommandEnd::Kind;

TEST(ExecExitStatusTest, FollowsTheEnvConvention) {
  EXPECT_EQ(ExitStatus({Kind::kExited, 0}, false), 0);
  EXPECT_EQ(ExitStatus({Kind::kExited, 3}, false), 3);
  EXPECT_EQ(ExitStatus({Kind::kExited, 0}, true), 1);
  EXPECT_EQ(ExitStatus({Kind::kExited, 3}, true), 1);
  EXPECT_EQ(ExitStatus({Kind::kSignaled, SIGKILL}, false), 128 + SIGKILL);
  EXPECT_EQ(ExitStatus({Kind::kSignaled, SIGSEGV}, true), 1);
  EXPECT_EQ(ExitStatus({Kind::kFixtureError, 0, "mount"}, false), 125);
  EXPECT_EQ(ExitStatus({Kind::kNotExecutable, 0, "x"}, false), 126);
  EXPECT_EQ(ExitStatus({Kind::kNotFound, 0, "x"}, false), 127);
  EXPECT_EQ(ExitStatus({Kind::kInterrupted, SIGINT}, true), 130);
}

TEST(ExecExitStatusTest, TheReasonSaysWhich) {
  dioh::exec::Judgement j;
  j.violations.resize(2);
  EXPECT_EQ(dioh::exec::ExitReason({Kind::kExited, 0}, &j),
            "exit status 1: the fixture found 2 violations, 0 fallbacks (the command exited 0)");
  j.violations.resize(1);
  j.fallbacks.resize(1);
  EXPECT_EQ(dioh::exec::ExitReason({Kind::kExited, 3}, &j),
            "exit status 1: the fixture found 1 violation, 1 fallback (the command exited 3)");
  const dioh::exec::Judgement clean;
  EXPECT_EQ(dioh::exec::ExitReason({Kind::kExited, 3}, &clean),
            "exit status 3: the command exited 3; no violation, no fallback");
  EXPECT_EQ(dioh::exec::ExitReason({Kind::kNotFound, 0, "nosuch"}, nullptr), "exit status 127: command not found: nosuch");
  EXPECT_NE(dioh::exec::ExitReason({Kind::kInterrupted, SIGINT}, nullptr).find("130: interrupted by signal 2 (SIGINT)"),
            std::string::npos);
}

dioh::exec::ExecRun MakeRun(const dioh::exec::Judgement* j, CommandEnd end, bool preloaded = false) {
  dioh::exec::ExecRun run;
  run.command = {"dd", "of=x"};
  run.profile = "strict-4k";
  run.on_violation = "einval";
  run.preloaded = preloaded;
  run.end = std::move(end);
  run.judgement = j;
  return run;
}

const dioh::CheckResult& Check(const dioh::ScenarioResult& result, const std::string& name) {
  for (const auto& c : result.checks) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no check " + name);
}

TEST(ExecResultTest, CleanRunPassesAndSkipsWhatItCouldNotCheck) {
  dioh::exec::Judgement j;
  j.counts.direct_opens = 1;
  j.counts.direct_writes = 4;
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 0}));
  EXPECT_EQ(result.verdict, Verdict::kPass);
  EXPECT_EQ(result.scenario, "exec: dd of=x");
  EXPECT_EQ(Check(result, "command-exit").status, CheckStatus::kPass);
  EXPECT_EQ(Check(result, "odirect-aligned").status, CheckStatus::kPass);
  EXPECT_EQ(Check(result, "buffers-aligned").status, CheckStatus::kSkip);  // not preloaded
  EXPECT_EQ(Check(result, "no-fallback").status, CheckStatus::kPass);
}

TEST(ExecResultTest, NoDirectIoIsASkipNotAPass) {
  const dioh::exec::Judgement j;
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 0}, true));
  EXPECT_EQ(Check(result, "odirect-aligned").status, CheckStatus::kSkip);
  EXPECT_EQ(Check(result, "buffers-aligned").status, CheckStatus::kPass);
}

TEST(ExecResultTest, IoUringBuffersAreNeverAPass) {
  dioh::exec::Judgement j;
  j.unchecked.push_back("io_uring in pid 5 (io_uring_setup): buffers not checked");
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 0}, true));
  EXPECT_EQ(Check(result, "buffers-aligned").status, CheckStatus::kSkip);
  EXPECT_NE(Check(result, "buffers-aligned").detail.find("io_uring"), std::string::npos);
}

TEST(ExecResultTest, ViolationsAndFallbacksFailTheirChecks) {
  dioh::exec::Judgement j;
  dioh::exec::DirectIoViolation v;
  v.operation = "write";
  v.path = "/f";
  v.rule = "offset";
  v.has_offset = true;
  v.offset = 512;
  v.length = 512;
  j.violations.push_back(v);
  v.rule = "buffer";
  v.call_site = {"/prog+0x10"};
  j.violations.push_back(v);
  j.fallbacks.push_back({"/g", 7, "open O_DIRECT refused (seq 1)", 2, 1, 10});
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 0}, true));
  EXPECT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(Check(result, "odirect-aligned").status, CheckStatus::kFail);
  EXPECT_NE(Check(result, "odirect-aligned").detail.find("offset 512"), std::string::npos);
  EXPECT_EQ(Check(result, "buffers-aligned").status, CheckStatus::kFail);
  EXPECT_NE(Check(result, "buffers-aligned").detail.find("/prog+0x10"), std::string::npos);
  EXPECT_EQ(Check(result, "no-fallback").status, CheckStatus::kFail);
  EXPECT_NE(result.outcome.find("exit status 1"), std::string::npos);
}

// fio's 512-byte job under --preload: libdiocheck refuses the write, diofs
// never sees it. odirect-aligned passes on what reached diofs and says that
// the rest was refused before (it read "0 writes ..., all aligned").
TEST(ExecResultTest, WhatLibdiocheckRefusedIsNamedInOdirectAligned) {
  dioh::exec::Judgement j;
  j.counts.direct_opens = 1;
  dioh::exec::DirectIoViolation v;
  v.operation = "pwrite64";
  v.path = "/j.0.0";
  v.rule = "buffer";
  v.length = 512;
  j.violations.push_back(v);
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 1}, true));
  EXPECT_EQ(Check(result, "odirect-aligned").status, CheckStatus::kPass);
  EXPECT_EQ(Check(result, "odirect-aligned").detail,
            "1 O_DIRECT opens, 0 writes and 0 reads that reached diofs, all aligned; 1 more transfer refused by "
            "libdiocheck before reaching it (buffers-aligned)");
  EXPECT_EQ(Check(result, "buffers-aligned").status, CheckStatus::kFail);
}

TEST(ExecResultTest, OwnFailureIsAFailWithItsStatus) {
  const dioh::exec::Judgement j;
  const auto result = dioh::exec::ExecResult(MakeRun(&j, {Kind::kExited, 3}));
  EXPECT_EQ(result.verdict, Verdict::kFail);
  EXPECT_EQ(Check(result, "command-exit").status, CheckStatus::kFail);
  EXPECT_EQ(result.outcome, "exit status 3: the command exited 3; no violation, no fallback");
}

TEST(ExecResultTest, FixtureErrorsAndMissingCommandsAreErrors) {
  auto result = dioh::exec::ExecResult(MakeRun(nullptr, {Kind::kFixtureError, 0, "diofs did not mount: x"}));
  EXPECT_EQ(result.verdict, Verdict::kError);
  ASSERT_EQ(result.runner_failures.size(), 1u);
  EXPECT_NE(result.reason.find("125"), std::string::npos);
  result = dioh::exec::ExecResult(MakeRun(nullptr, {Kind::kNotFound, 0, "nosuch"}));
  EXPECT_EQ(result.verdict, Verdict::kError);
  EXPECT_NE(result.reason.find("127"), std::string::npos);
}

TEST(ExecWriteMapTest, OneChannelPerThreadAndViolationsMarked) {
  std::vector<diofs::oplog::LogRecord> log(3);
  log[0].kind = diofs::OpKind::kWrite;
  log[0].tid = 1;
  log[0].length = 4096;
  log[1].kind = diofs::OpKind::kWrite;
  log[1].tid = 2;
  log[1].rule = diofs::Rule::kLengthAlign;
  log[2].kind = diofs::OpKind::kOpen;
  const dioh::exec::Judgement j;
  const auto map = dioh::exec::ExecWriteMap(diofs::oplog::RecordSource(&log), j, "t");
  EXPECT_EQ(map.channels.size(), 2u);
  ASSERT_EQ(map.points.size(), 2u);
  EXPECT_FALSE(map.points[0].violation);
  EXPECT_TRUE(map.points[1].violation);
}

TEST(ExecWriteMapTest, ABufferReportIsDrawnAtItsRecordsTimeAndALongLogIsSampled) {
  std::vector<diofs::oplog::LogRecord> log(40);
  for (std::size_t i = 0; i < log.size(); ++i) {
    log[i].seq = i + 1;
    log[i].kind = diofs::OpKind::kWrite;
    log[i].tid = 1;
    log[i].offset = i * 4096;
    log[i].length = 4096;
    log[i].start_ns = 1000 * (i + 1);
  }
  log[9].kind = diofs::OpKind::kViolation;  // seq 10: libdiocheck's report, refused before diofs saw the write
  dioh::exec::Judgement j;
  dioh::exec::DirectIoViolation buffer;
  buffer.seq = 10;
  buffer.rule = "buffer";
  buffer.has_offset = true;
  buffer.offset = 1u << 20;
  buffer.length = 100;
  buffer.tid = 1;
  j.violations.push_back(buffer);
  const auto map = dioh::exec::ExecWriteMap(diofs::oplog::RecordSource(&log), j, "t", /*sample_budget=*/8);
  EXPECT_EQ(map.operations, 40u);  // 39 writes and the report
  EXPECT_GT(map.sample_stride, 1u);
  EXPECT_LT(map.points.size(), 40u);
  const auto report = std::find_if(map.points.begin(), map.points.end(),
                                   [](const dioh::WriteMapPoint& p) { return p.violation; });
  ASSERT_NE(report, map.points.end());
  EXPECT_EQ(report->t_ns, 10000u);
  EXPECT_EQ(report->offset, 1u << 20);
  EXPECT_EQ(report->check, "buffers-aligned");
}

}  // namespace
