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
  ASSERT_TRUE(main->open.has_value());
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

// The fhs a pass visits.
std::vector<std::uint64_t> SideHandles(const CheckInput& in, Side side) {
  std::vector<std::uint64_t> fhs;
  ForEachSideRecord(in, side, [&](const LogRecord& r) {
    fhs.push_back(r.fh);
    return true;
  });
  return fhs;
}

TEST(ForEachSideRecord, VisitsOnlyThatSidesPidsOnTheFile) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_WRONLY);
  log.Open(kHarnessPid, 300, 2, O_RDONLY);
  log.Open(kLoadPid, 200, 3, O_RDONLY).path = "/other";
  log.Open(kLoadPid, 200, 4, O_RDONLY);
  const CheckInput in = BaseInput(&log.records());
  EXPECT_EQ(SideHandles(in, Side::kSave), std::vector<std::uint64_t>{1});
  EXPECT_EQ(SideHandles(in, Side::kLoad), std::vector<std::uint64_t>{4});
  std::size_t engine = 0;
  ForEachEngineRecord(in, [&](const LogRecord&) { return ++engine, true; });
  EXPECT_EQ(engine, 2u);
  EXPECT_TRUE(SideHandles(BaseInput(nullptr), Side::kSave).empty());
}

TEST(ForEachSideRecord, StopsWhenTheVisitorSaysSo) {
  LogBuilder log;
  for (std::uint64_t fh = 1; fh <= 5; ++fh) log.Open(kSavePid, 100, fh, O_WRONLY);
  std::vector<std::uint64_t> seen;
  ForEachSideRecord(BaseInput(&log.records()), Side::kSave, [&](const LogRecord& r) {
    seen.push_back(r.fh);
    return r.fh < 3;
  });
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(FindMainHandles, OnePassFindsBothSides) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 200, O_WRONLY);
  log.Open(kLoadPid, 200, 7, O_RDONLY);
  log.Read(kLoadPid, 200, 7, 0, 200, O_RDONLY);
  std::size_t passes = 0;
  const RecordSource counting([&](const RecordSource::Visitor& visit) {
    ++passes;
    for (const LogRecord& r : log.records()) {
      if (!visit(r)) break;
    }
    return Status::Ok();
  });
  CheckInput in = BaseInput(nullptr);
  in.records = counting;
  const MainHandles found = FindMainHandles(in);
  EXPECT_EQ(passes, 1u);
  ASSERT_TRUE(found.save && found.load);
  EXPECT_EQ(found.save->fh, 1u);
  EXPECT_EQ(found.load->fh, 7u);
  in.main_handles = &found;  // then FindMainHandle reads no record
  EXPECT_EQ(FindMainHandle(in, Side::kLoad)->fh, 7u);
  EXPECT_EQ(passes, 1u);
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
