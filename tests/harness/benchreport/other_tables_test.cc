#include <gtest/gtest.h>

#include "harness/benchreport/summary.h"
#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

TEST(LogWriterTable, RecordsPerSecondAgainstTheMatchingMemcpyBaseline) {
  const auto runs = testing::ParseRuns({
      {"BM_BaselineMemcpy/payload:0/real_time", 1, 0, 4e7, {{"bytes_per_record", 96}}},
      {"BM_BaselineMemcpy/payload:4096/real_time", 1, 0, 1e6, {{"bytes_per_record", 4192}}},
      {"BM_WriterOnOp/payload:0/buffer_KiB:4096/keep_data:0/real_time", 1, 0, 1e7, {{"bytes_per_record", 96}}},
      {"BM_WriterOnOp/payload:4096/buffer_KiB:4096/keep_data:1/real_time", 1, 0, 5e5, {{"bytes_per_record", 4192}}},
      {"BM_WriterOnOp/payload:4096/buffer_KiB:4096/keep_data:0/real_time", 4, 0, 2e6, {{"bytes_per_record", 96}}},
  });
  BenchSummary summary;
  AddLogWriterTable(runs, summary);
  ASSERT_EQ(summary.tables.size(), 1u);
  const Table& t = summary.tables[0];
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"0 B", "no", "4096", "1", "10000000", "96", "40000000", "0.25"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"4 KiB", "yes", "4096", "1", "500000", "4192", "1000000", "0.50"}));
  // A hashed payload is compared with the record without data, and there is no 4-thread baseline.
  EXPECT_EQ(t.rows[2][6], "-");
  EXPECT_EQ(t.rows[2][1], "no");
}

TEST(WritePathTable, EachHashingAgainstTheCopyOfTheSameSize) {
  // Times come from bytes/s: real_time_ns is what the table prints.
  auto runs = testing::ParseRuns({
      {"BM_MemWrite/copy/1048576", 1, 1, 0},
      {"BM_MemWrite/copy_then_hash/1048576", 1, 1, 0},
      {"BM_MemWrite/copy_and_hash/1048576", 1, 1, 0},
      {"BM_MemWrite/copy/65536", 1, 1, 0},
  });
  ASSERT_EQ(runs.size(), 4u);
  runs[0].real_time_ns = 150000;
  runs[1].real_time_ns = 265000;
  runs[2].real_time_ns = 153000;
  runs[3].real_time_ns = 9000;
  BenchSummary summary;
  AddWritePathTable(runs, summary);
  ASSERT_EQ(summary.tables.size(), 1u);
  const Table& t = summary.tables[0];
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1 MiB", "150.0", "265.0", "1.77", "153.0", "1.02"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"64 KiB", "9.0", "-", "-", "-", "-"}));  // nothing to compare
  ASSERT_EQ(summary.bars.size(), 2u);
  EXPECT_DOUBLE_EQ(summary.bars[0].ratio, 153000.0 / 150000.0);
}

TEST(HarnessTable, WallSecondsPerRunOrNoTable) {
  BenchSummary summary;
  AddHarnessTable({}, summary);
  EXPECT_TRUE(summary.tables.empty());
  AddHarnessTable({{"matrix", 123.45}, {"regress", 61}}, summary);
  ASSERT_EQ(summary.tables.size(), 1u);
  EXPECT_EQ(summary.tables[0].rows,
            (std::vector<std::vector<std::string>>{{"matrix", "123.5"}, {"regress", "61.0"}}));
}

}  // namespace
}  // namespace dioh::benchreport
