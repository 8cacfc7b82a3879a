#include "harness/logtool/record_text.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace dioharness::logtool {
namespace {

TEST(RecordTextTest, LineShowsTheFieldsAPersonLooksFor) {
  diofs::oplog::LogRecord r;
  r.seq = 12;
  r.kind = diofs::OpKind::kWrite;
  r.start_ns = 3'500'000;
  r.tid = 77;
  r.path = "/ram.img";
  r.offset = 1048576;
  r.length = 4096;
  r.flags = O_WRONLY | O_DIRECT;
  r.result = -22;
  r.rule = diofs::Rule::kOffsetAlign;
  r.verdict = diofs::Verdict::kRejected;
  r.data_size = 4096;
  r.data_hash = 0x1234;
  const std::string line = RecordTableLine(r, 1'000'000);
  for (const char* part : {"12", "2.500", "write", "77", "/ram.img", "1048576", "4096", "O_WRONLY|O_DIRECT ", " D ", "EINVAL",
                           "offset_align/rejected", "0000000000001234"}) {
    EXPECT_NE(line.find(part), std::string::npos) << part << " in " << line;
  }
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

// The example: c241 in hex said nothing to a reader.
TEST(RecordTextTest, OpenFlagsReadAsOpenSpellsThem) {
  EXPECT_EQ(OpenFlagsText(0xc241), "O_WRONLY|O_CREAT|O_TRUNC|O_DIRECT|O_LARGEFILE");
  EXPECT_EQ(OpenFlagsText(O_WRONLY | O_CREAT | O_DIRECT), "O_WRONLY|O_CREAT|O_DIRECT");  // <fcntl.h> agrees here
  EXPECT_EQ(OpenFlagsText(0), "O_RDONLY");
  EXPECT_EQ(OpenFlagsText(O_RDWR | O_SYNC), "O_RDWR|O_SYNC");  // not O_DSYNC|0x101000
  EXPECT_EQ(OpenFlagsText(O_RDONLY | O_DSYNC), "O_RDONLY|O_DSYNC");
  EXPECT_EQ(OpenFlagsText(O_RDWR | 0x10000000u), "O_RDWR|0x10000000");
}

TEST(RecordTextTest, StatsListEveryThread) {
  diofs::oplog::LogStats stats;
  stats.by_thread[101].writes = {5, 20480};
  stats.by_thread[102].writes = {6, 24576};
  const std::string text = StatsText(diofs::oplog::LogHeader{.profile = "strict-4k"}, stats);
  EXPECT_NE(text.find("strict-4k"), std::string::npos);
  EXPECT_NE(text.find("101"), std::string::npos);
  EXPECT_NE(text.find("24576"), std::string::npos);
}

}  // namespace
}  // namespace dioharness::logtool
