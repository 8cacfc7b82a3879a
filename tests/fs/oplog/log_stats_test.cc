#include "fs/oplog/log_stats.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace diofs::oplog {
namespace {

LogRecord Record(OpKind kind, std::uint32_t tid, std::uint32_t flags, std::int64_t result,
                 Rule rule = Rule::kNone, Verdict verdict = Verdict::kPass) {
  LogRecord r;
  r.kind = kind;
  r.tid = tid;
  r.pid = 7;
  r.flags = flags;
  r.result = result;
  r.rule = rule;
  r.verdict = verdict;
  return r;
}

TEST(LogStatsTest, CountsByOpDirectnessThreadAndRule) {
  const std::vector<LogRecord> records = {
      Record(OpKind::kOpen, 1, O_RDWR | O_DIRECT, 0),
      Record(OpKind::kWrite, 1, O_RDWR | O_DIRECT, 4096),
      Record(OpKind::kWrite, 1, O_RDWR | O_DIRECT, 8192),
      Record(OpKind::kWrite, 2, O_RDWR, 100),
      Record(OpKind::kWrite, 2, O_RDWR | O_DIRECT, -22, Rule::kOffsetAlign, Verdict::kRejected),
      Record(OpKind::kRead, 3, O_RDONLY | O_DIRECT, 512),
      Record(OpKind::kRead, 3, O_RDONLY, 10),
      Record(OpKind::kViolation, 3, 0, 0, Rule::kMemAlign, Verdict::kRecorded),
  };
  const LogStats stats = ComputeStats(records);
  EXPECT_EQ(stats.records, 8u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.by_op.at(OpKind::kWrite), 4u);
  EXPECT_EQ(stats.by_op.at(OpKind::kRead), 2u);
  EXPECT_EQ(stats.by_op.count(OpKind::kFsync), 0u);
  EXPECT_EQ(stats.direct_writes.ops, 3u);
  EXPECT_EQ(stats.direct_writes.bytes, 12288u);  // the failed write transferred nothing
  EXPECT_EQ(stats.buffered_writes.ops, 1u);
  EXPECT_EQ(stats.buffered_writes.bytes, 100u);
  EXPECT_EQ(stats.direct_reads.bytes, 512u);
  EXPECT_EQ(stats.buffered_reads.bytes, 10u);
  ASSERT_EQ(stats.by_thread.size(), 3u);
  EXPECT_EQ(stats.by_thread.at(1).writes.ops, 2u);
  EXPECT_EQ(stats.by_thread.at(1).writes.bytes, 12288u);
  EXPECT_EQ(stats.by_thread.at(1).direct_ops, 2u);
  EXPECT_EQ(stats.by_thread.at(2).violations, 1u);
  EXPECT_EQ(stats.by_thread.at(3).reads.ops, 2u);
  EXPECT_EQ(stats.by_thread.at(3).pid, 7u);
  EXPECT_EQ(stats.violations_by_rule.at(Rule::kOffsetAlign), 1u);
  EXPECT_EQ(stats.violations_by_rule.at(Rule::kMemAlign), 1u);
  EXPECT_EQ(stats.violations_rejected, 1u);
}

}  // namespace
}  // namespace diofs::oplog
