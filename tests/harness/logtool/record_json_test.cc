#include "harness/logtool/record_json.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dioharness::logtool {
namespace {

TEST(RecordJsonTest, EveryFieldIsPresent) {
  diofs::oplog::LogRecord r;
  r.seq = 9;
  r.kind = diofs::OpKind::kWrite;
  r.start_ns = 10;
  r.end_ns = 20;
  r.pid = 1;
  r.tid = 2;
  r.ino = 3;
  r.path = "/ram.img";
  r.fh = 4;
  r.offset = 4096;
  r.length = 512;
  r.flags = O_WRONLY | O_DIRECT;
  r.aux = 5;
  r.result = -22;
  r.rule = diofs::Rule::kLengthAlign;
  r.verdict = diofs::Verdict::kRejected;
  r.data_size = 512;
  r.data_hash = 0xabc;
  r.text = "t";
  const nlohmann::json j = RecordToJson(r);
  EXPECT_EQ(j["seq"], 9);
  EXPECT_EQ(j["op"], "write");
  EXPECT_EQ(j["start_ns"], 10);
  EXPECT_EQ(j["end_ns"], 20);
  EXPECT_EQ(j["pid"], 1);
  EXPECT_EQ(j["tid"], 2);
  EXPECT_EQ(j["ino"], 3);
  EXPECT_EQ(j["path"], "/ram.img");
  EXPECT_EQ(j["fh"], 4);
  EXPECT_EQ(j["offset"], 4096);
  EXPECT_EQ(j["length"], 512);
  EXPECT_EQ(j["flags"], O_WRONLY | O_DIRECT);
  EXPECT_EQ(j["direct"], true);
  EXPECT_EQ(j["aux"], 5);
  EXPECT_EQ(j["result"], -22);
  EXPECT_EQ(j["errno"], "EINVAL");
  EXPECT_EQ(j["rule"], "length_align");
  EXPECT_EQ(j["verdict"], "rejected");
  EXPECT_EQ(j["data_size"], 512);
  EXPECT_EQ(j["data_hash"], "0000000000000abc");
  EXPECT_EQ(j["data_kept"], false);
  EXPECT_EQ(j["text"], "t");
}

TEST(RecordJsonTest, StatsCarryThreadsAndRules) {
  diofs::oplog::LogStats stats;
  stats.records = 3;
  stats.by_op[diofs::OpKind::kWrite] = 3;
  stats.by_thread[42].writes = {3, 12288};
  stats.violations_by_rule[diofs::Rule::kMemAlign] = 1;
  const nlohmann::json j = StatsToJson(stats);
  EXPECT_EQ(j["by_op"]["write"], 3);
  ASSERT_EQ(j["threads"].size(), 1u);
  EXPECT_EQ(j["threads"][0]["tid"], 42);
  EXPECT_EQ(j["threads"][0]["writes"]["bytes"], 12288);
  EXPECT_EQ(j["violations_by_rule"]["mem_align"], 1);
}

}  // namespace
}  // namespace dioharness::logtool
