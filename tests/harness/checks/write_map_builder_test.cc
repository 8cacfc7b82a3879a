#include "harness/checks/write_map_builder.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/harness/checks/check_test_util.h"
#include "tests/migration/format/small_stream.h"

namespace dioh {
namespace {

using checks::testing::BaseInput;
using checks::testing::kHarnessPid;
using checks::testing::kLoadPid;
using checks::testing::kSavePid;
using checks::testing::LogBuilder;

constexpr std::uint32_t kOut = O_WRONLY | O_DIRECT;

// Save: main (fh 1, tid 100) writes the header; channel threads 12 then 11
// write pages; the harness reads the file; the load's main and one channel read.
LogBuilder RunLog() {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY);
  log.Write(kSavePid, 12, 3, 0x100000, 16384, kOut);
  log.Write(kSavePid, 11, 2, 0x104000, 4096, kOut);
  log.Write(kSavePid, 12, 3, 0x108000, 4096, kOut);
  log.Read(kHarnessPid, 300, 9, 0, 1u << 20, O_RDONLY);
  log.Read(kLoadPid, 200, 5, 0, 65536, O_RDONLY);
  log.Read(kLoadPid, 21, 6, 0x100000, 1u << 20, O_RDONLY | O_DIRECT);
  return log;
}

TEST(BuildWriteMap, OneChannelPerThreadInTheOrderOfFirstWriteMainFirst) {
  LogBuilder log = RunLog();
  CheckInput in = BaseInput(&log.records());
  in.facts.multifd = true;
  in.facts.channels = 2;
  in.facts.direct_io_requested = in.facts.direct_io_effective = true;
  const WriteMap map = BuildWriteMap(in, {}, "demo");
  EXPECT_EQ(map.title, "demo");
  EXPECT_EQ(map.subtitle, "strict-4k, 2 channels, direct-io on");
  EXPECT_EQ(map.channels, (std::vector<std::string>{"main", "channel 1", "channel 2"}));
  ASSERT_EQ(map.points.size(), 6u);  // the harness's read is not drawn
  EXPECT_EQ(map.points[0].channel, 0u);
  EXPECT_EQ(map.points[1].channel, 1u);  // tid 12 wrote first
  EXPECT_EQ(map.points[2].channel, 2u);
  EXPECT_EQ(map.points[3].channel, 1u);
  EXPECT_EQ(map.points[1].t_ns, log.records()[2].start_ns);
  EXPECT_EQ(map.points[1].length, 16384u);
  EXPECT_FALSE(map.points[1].is_read);
  EXPECT_TRUE(map.points[4].is_read);  // load main
  EXPECT_EQ(map.points[4].channel, 0u);
  EXPECT_TRUE(map.points[5].is_read);
  EXPECT_EQ(map.points[5].channel, 1u);
  for (const WriteMapPoint& p : map.points) EXPECT_FALSE(p.violation);
  EXPECT_TRUE(map.regions.empty());  // no file
}

TEST(BuildWriteMap, MarksFlaggedOpsAndOpsAFailedCheckNamed) {
  LogBuilder log = RunLog();
  log.records()[3].rule = diofs::Rule::kOffsetAlign;
  const CheckResult failed{"odirect-iff-direct-io", CheckStatus::kFail, "silent buffered fallback: write seq 5 tid 12 ..."};
  const CheckResult passed{"page-io-in-regions", CheckStatus::kPass, "write seq 3 is fine"};
  const WriteMap map = BuildWriteMap(BaseInput(&log.records()), {failed, passed}, "t");
  std::vector<bool> violations;
  for (const WriteMapPoint& p : map.points) violations.push_back(p.violation);
  EXPECT_EQ(violations, (std::vector<bool>{false, false, true, true, false, false}));
  // Each labelled with the check it breaks: diofs's verdict is odirect-aligned's, a named seq its check's.
  std::vector<std::string> checks;
  for (const WriteMapPoint& p : map.points) checks.push_back(p.check);
  EXPECT_EQ(checks, (std::vector<std::string>{"", "", "odirect-aligned", "odirect-iff-direct-io", "", ""}));
}

TEST(BuildWriteMap, ShadesEachPagesRegionAndThePrefix) {
  const auto stream = mrm::format::testing::BuildSmallStream();
  mrm::format::MemoryByteSource file(stream.bytes);
  LogBuilder log = RunLog();
  CheckInput in = BaseInput(&log.records());
  in.file = &file;
  const WriteMap plain = BuildWriteMap(in, {}, "t");
  ASSERT_EQ(plain.regions.size(), 2u);
  EXPECT_EQ(plain.regions[0].label, "pc.ram pages");
  EXPECT_EQ(plain.regions[0].begin, stream.layouts[0].pages_offset);
  EXPECT_EQ(plain.regions[0].end, stream.layouts[0].pages_offset + (2u << 20));
  EXPECT_EQ(plain.regions[1].label, "/rom@etc/x pages");
  in.file = nullptr;
  in.facts.uri_offset = 4096;
  const WriteMap prefixed = BuildWriteMap(in, {}, "t");
  ASSERT_EQ(prefixed.regions.size(), 1u);
  EXPECT_EQ(prefixed.regions[0].label, "prefix before offset=");
  EXPECT_EQ(prefixed.regions[0].end, 4096u);
}

TEST(BuildWriteMap, ALongLogIsSampledEveryViolationAndEachSidesLastKept) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  for (std::uint64_t i = 0; i < 21; ++i) log.Write(kSavePid, 11, 2, 0x100000 + i * 4096, 4096, O_WRONLY);
  log.records()[6].rule = diofs::Rule::kOffsetAlign;  // the 6th write: a violation
  log.Read(kLoadPid, 200, 5, 0, 65536, O_RDONLY);
  const WriteMap all = BuildWriteMap(BaseInput(&log.records()), {}, "t");
  EXPECT_EQ(all.points.size(), 22u);
  EXPECT_EQ(all.sample_stride, 1u);
  const WriteMap map = BuildWriteMap(BaseInput(&log.records()), {}, "t", /*sample_budget=*/4);
  EXPECT_EQ(map.operations, 22u);
  // 21 ordinary operations (20 writes, 1 read): the sample outgrows 4 points
  // at ranks 4, 8 and 16, each time halved: 1 in 2, 4, then 8.
  EXPECT_EQ(map.sample_stride, 8u);
  std::vector<std::uint64_t> offsets;
  std::size_t violations = 0;
  for (const WriteMapPoint& p : map.points) {
    if (p.violation) {
      ++violations;
      EXPECT_EQ(p.offset, 0x100000u + 5 * 4096);
    } else if (!p.is_read) {
      offsets.push_back((p.offset - 0x100000) / 4096);
    }
  }
  EXPECT_EQ(violations, 1u);
  // Ranks 0, 8 and 16 among the ordinary operations (writes 0, 9 and 17: the
  // violation, write 5, has no rank), then write 20, the save's last.
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 9, 17, 20}));
  EXPECT_TRUE(map.points.back().is_read);  // the load's only read: sampled as rank 20 or kept as its side's last
  const std::string svg = RenderWriteMapSvg(map);
  EXPECT_NE(svg.find("22 operations (1 in 8 drawn)"), std::string::npos);
}

TEST(BuildWriteMap, ASidesLastOperationStaysWhenAHalvingDropsIt) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  for (std::uint64_t i = 0; i < 4; ++i) log.Write(kSavePid, 11, 2, 0x100000 + i * 4096, 4096, O_WRONLY);
  log.Read(kLoadPid, 200, 5, 0, 65536, O_RDONLY);
  // Budget 4: writes 0-3 are kept, the read (rank 4) overflows it and the
  // halving keeps ranks 0, 2 and 4, dropping write 3, the save's last.
  const WriteMap map = BuildWriteMap(BaseInput(&log.records()), {}, "t", /*sample_budget=*/4);
  EXPECT_EQ(map.sample_stride, 2u);
  std::vector<std::uint64_t> writes;
  for (const WriteMapPoint& p : map.points) {
    if (!p.is_read) writes.push_back((p.offset - 0x100000) / 4096);
  }
  EXPECT_EQ(writes, (std::vector<std::uint64_t>{0, 2, 3}));
  EXPECT_EQ(std::count_if(map.points.begin(), map.points.end(), [](const WriteMapPoint& p) { return p.is_read; }), 1);
}

}  // namespace
}  // namespace dioh
