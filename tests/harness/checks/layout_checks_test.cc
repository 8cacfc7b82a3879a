#include <fcntl.h>
#include <gtest/gtest.h>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"
#include "tests/harness/checks/check_test_util.h"
#include "tests/migration/format/small_stream.h"

namespace dioh::checks {
namespace {

using mrm::format::MemoryByteSource;
using mrm::format::testing::BuildSmallStream;
using mrm::format::testing::SmallStream;
using testing::BaseInput;
using testing::kSavePid;
using testing::LogBuilder;

constexpr std::uint32_t kOut = O_WRONLY | O_DIRECT;

// The small stream (pc.ram 2 MiB, /rom@etc/x 8 KiB) with a log whose main
// channel (fh 1) wrote the header and whose channel (fh 2) wrote `pages` at pc.ram's region.
struct Fixture {
  SmallStream stream = BuildSmallStream();
  MemoryByteSource file{stream.bytes};
  LogBuilder log;
  CheckInput input;

  Fixture() {
    log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
    log.Write(kSavePid, 100, 1, 0, 0x8a, O_WRONLY);
    log.Open(kSavePid, 11, 2, kOut);
    log.Write(kSavePid, 11, 2, pc_ram(), 512u << 10, kOut);
    log.Write(kSavePid, 11, 2, stream.layouts[1].pages_offset, 8192, kOut);
    input = BaseInput(&log.records());
    input.file = &file;
  }
  std::uint64_t pc_ram() const { return stream.layouts[0].pages_offset; }
  CheckResult WithChannelWrite(std::uint64_t offset, std::uint64_t length) {
    log.Write(kSavePid, 12, 2, offset, length, kOut).seq = 99;
    return CheckPageIoInRegions(input);
  }
};

TEST(PageIoInRegions, PassesPageWritesInsideTheRegions) {
  Fixture f;
  const CheckResult r = CheckPageIoInRegions(f.input);
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_NE(r.status, CheckStatus::kSkip);
}

TEST(PageIoInRegions, FailsAWriteOffThePageGrid) {
  Fixture f;
  const CheckResult r = f.WithChannelWrite(f.pc_ram() + 512, 4096);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "write seq 99 tid 12 offset " + Hex(f.pc_ram() + 512) +
                          " length 4096: not at a page boundary in pc.ram pages (pages_offset 0x100000)");
}

TEST(PageIoInRegions, FailsPartialPagesLongWritesAndWritesPastTheRegion) {
  Fixture partial;
  EXPECT_NE(partial.WithChannelWrite(partial.pc_ram(), 6000).detail.find("length not a multiple of the page size"),
            std::string::npos);
  Fixture longer;
  EXPECT_NE(longer.WithChannelWrite(longer.pc_ram(), 1u << 20).detail.find("more than 512 KiB"), std::string::npos);
  Fixture past;
  const std::uint64_t last = past.pc_ram() + (2u << 20) - 4096;
  EXPECT_NE(past.WithChannelWrite(last, 8192).detail.find("runs past the end"), std::string::npos);
}

TEST(PageIoInRegions, FailsAChannelWriteOutsideEveryRegion) {
  Fixture f;
  const CheckResult r = f.WithChannelWrite(f.stream.layouts[0].bitmap_offset, 64);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find("outside every pages region"), std::string::npos) << r.detail;
}

TEST(PageIoInRegions, TheMainChannelMayWriteOutsideTheRegions) {
  Fixture f;
  f.log.Write(kSavePid, 100, 1, f.stream.layouts[0].bitmap_offset, 64, O_WRONLY);
  EXPECT_EQ(CheckPageIoInRegions(f.input).status, CheckStatus::kPass);
}

TEST(PageIoInRegions, FailsARegionNotOneMiBAligned) {
  const SmallStream stream = BuildSmallStream("pc-q35-9.1", mrm::format::RegionRounding::kPageOnly);
  MemoryByteSource file(stream.bytes);
  CheckInput in = BaseInput(nullptr);
  in.file = &file;
  const CheckResult r = CheckPageIoInRegions(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "block pc.ram pages_offset 0x1000 is not 1 MiB aligned as an absolute file offset (offset= is 0)");
}

TEST(PageIoInRegions, SkipsWithoutAFileAndSaysWhy) {
  Fixture f;
  f.input.file = nullptr;
  const CheckResult r = CheckPageIoInRegions(f.input);
  EXPECT_EQ(r.status, CheckStatus::kSkip);
  EXPECT_NE(r.detail.find("no file"), std::string::npos) << r.detail;
}

TEST(FileParses, ACompletedSaveMustLeaveAFileThatParses) {
  Fixture f;
  EXPECT_EQ(CheckFileParses(f.input).status, CheckStatus::kPass);
  std::vector<std::uint8_t> cut(f.stream.bytes.begin(), f.stream.bytes.end() - 10);
  MemoryByteSource cut_file(cut);
  f.input.file = &cut_file;
  const CheckResult r = CheckFileParses(f.input);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find("the save completed but the file does not parse: "), std::string::npos) << r.detail;
  f.input.save = {MigrationEnd::kFailed, "boom"};
  EXPECT_EQ(CheckFileParses(f.input).status, CheckStatus::kSkip);
}

TEST(FileSizeBounded, PassesTheSmallStreamAndFailsAWriteBeyondItsEnd) {
  Fixture f;
  const CheckResult good = CheckFileSizeBounded(f.input);
  EXPECT_EQ(good.status, CheckStatus::kPass) << good.detail;
  EXPECT_NE(good.status, CheckStatus::kSkip);
  const std::uint64_t end = f.stream.bytes.size();
  f.log.Write(kSavePid, 11, 2, end, 4096, kOut).seq = 77;
  const CheckResult r = CheckFileSizeBounded(f.input);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "write seq 77 tid 11 offset " + Hex(end) + " length 4096: ends at " + Hex(end + 4096) +
                          ", beyond the stream's end " + Hex(end));
}

}  // namespace
}  // namespace dioh::checks
