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
