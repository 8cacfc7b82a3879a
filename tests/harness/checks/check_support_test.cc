#include "harness/checks/check_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "tests/harness/checks/check_test_util.h"

namespace dioh::checks {
namespace {

using testing::BaseInput;
using testing::kHarnessPid;
using testing::kLoadPid;
using testing::kSavePid;
using testing::LogBuilder;

TEST(FindMainHandle, IsTheHandleThatWroteTheHeaderAtOffset) {
  LogBuilder log;
  log.Open(kSavePid, 11, 2, O_WRONLY);  // opened first, but writes pages only
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 11, 2, 0x100000, 4096, O_WRONLY);
  log.Write(kSavePid, 100, 1, 4096, 200, O_WRONLY);
  CheckInput in = BaseInput(&log.records());
  in.facts.uri_offset = 4096;
  const auto main = FindMainHandle(in, Side::kSave);
  ASSERT_TRUE(main.has_value());
  EXPECT_EQ(main->fh, 1u);
  ASSERT_NE(main->open, nullptr);
  EXPECT_EQ(main->open->seq, 2u);
  EXPECT_FALSE(FindMainHandle(in, Side::kLoad).has_value());
}

TEST(FindMainHandle, FallsBackToTheFirstSuccessfulOpen) {
  LogBuilder log;
  log.Open(kLoadPid, 200, 0, O_RDONLY | O_DIRECT).result = -EINVAL;
  log.Open(kLoadPid, 200, 6, O_RDONLY);
  log.Open(kLoadPid, 21, 7, O_RDONLY);
  const auto main = FindMainHandle(BaseInput(&log.records()), Side::kLoad);
  ASSERT_TRUE(main.has_value());
  EXPECT_EQ(main->fh, 6u);
}

TEST(SideRecords, KeepsOnlyThatSidesPidsOnTheFile) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_WRONLY);
  log.Open(kHarnessPid, 300, 2, O_RDONLY);
  log.Open(kLoadPid, 200, 3, O_RDONLY).path = "/other";
  log.Open(kLoadPid, 200, 4, O_RDONLY);
  const CheckInput in = BaseInput(&log.records());
  ASSERT_EQ(SideRecords(in, Side::kSave).size(), 1u);
  ASSERT_EQ(SideRecords(in, Side::kLoad).size(), 1u);
  EXPECT_EQ(SideRecords(in, Side::kLoad)[0]->fh, 4u);
  EXPECT_EQ(EngineRecords(in).size(), 2u);
  EXPECT_TRUE(SideRecords(BaseInput(nullptr), Side::kSave).empty());
}

TEST(RegionHolding, NeedsTheWholeRangeInsideOneRegion) {
  const std::vector<PagesRegion> regions = {{"a", 0x100000, 0x300000, 4096}, {"b", 0x400000, 0x402000, 4096}};
  EXPECT_EQ(RegionHolding(regions, 0x100000, 0x200000), &regions[0]);
  EXPECT_EQ(RegionHolding(regions, 0x401000, 0x1000), &regions[1]);
  EXPECT_EQ(RegionHolding(regions, 0x2ff000, 0x2000), nullptr);
  EXPECT_EQ(RegionHolding(regions, 0x8a, 64), nullptr);
}

TEST(DescribeOp, NamesKindSeqThreadOffsetAndLength) {
  LogBuilder log;
  diofs::oplog::LogRecord& w = log.Write(kSavePid, 4711, 3, 0x100200, 4096, O_WRONLY);
  w.seq = 812;
  EXPECT_EQ(DescribeOp(w), "write seq 812 tid 4711 offset 0x100200 length 4096");
  EXPECT_EQ(DescribeOp(log.Open(kSavePid, 9, 1, O_RDONLY)), "open seq 2 tid 9");
}

}  // namespace
}  // namespace dioh::checks
