#include <gtest/gtest.h>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"
#include "migration/format/stream_parser.h"
#include "tests/harness/checks/check_test_util.h"

namespace dioh::checks {
namespace {

using testing::EngineRun;
using testing::FailedMentioning;
using diofs::oplog::LogRecord;

// A clean save and load of pc.ram (2 MiB) and vga.vram (1 MiB), half zero pages.
struct Saved {
  EngineRun run;
  mrm::format::RamBlockRecord pc_ram;

  Saved() {
    run.save = testing::SaveWith(2, true, {5, 0.5, 0});
    run.Run();
    auto parsed = mrm::format::ParseMigrationFile(*run.file);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    if (parsed.ok()) pc_ram = parsed->ram_blocks[0];
  }
  // The first page of pc.ram whose bit is `set`.
  std::uint64_t FirstPage(bool set) const {
    std::uint64_t page = 0;
    while (BitmapBitSet(pc_ram.bitmap, page) != set) ++page;
    return page;
  }
  void FlipBit(std::uint64_t page) {
    run.bytes[pc_ram.header.bitmap_offset + page / 8] ^= static_cast<std::uint8_t>(1u << (page % 8));
  }
  std::uint8_t& PageByte(std::uint64_t page, std::uint64_t byte) {
    return run.bytes[pc_ram.header.pages_offset + page * 4096 + byte];
  }
};

TEST(BitmapMatchesPages, PassesACleanSave) {
  Saved s;
  const CheckResult r = CheckBitmapMatchesPages(s.run.Input());
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_NE(r.status, CheckStatus::kSkip);
}

TEST(BitmapMatchesPages, FailsABitSetForAZeroPage) {
  Saved s;
  const std::uint64_t zero = s.FirstPage(false);
  s.FlipBit(zero);
  const CheckResult r = CheckBitmapMatchesPages(s.run.Input());
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "block pc.ram page " + std::to_string(zero) +
                          ": bitmap bit set but the page's final version is zero (after pass 0)");
}

TEST(BitmapMatchesPages, FailsABitClearForADataPage) {
  Saved s;
  const std::uint64_t data = s.FirstPage(true);
  s.FlipBit(data);
  EXPECT_TRUE(FailedMentioning(CheckBitmapMatchesPages(s.run.Input()), "page " + std::to_string(data) + ": bitmap bit clear"));
}

TEST(BitmapMatchesPages, WithoutAModelEverySetPageMustHaveBeenWritten) {
  Saved s;
  CheckInput in = s.run.Input();
  in.ram = nullptr;
  const CheckResult good = CheckBitmapMatchesPages(in);
  EXPECT_EQ(good.status, CheckStatus::kPass) << good.detail;
  EXPECT_NE(good.detail.find("no RAM model"), std::string::npos);
  const std::uint64_t zero = s.FirstPage(false);  // never written: a hole
  s.FlipBit(zero);
  EXPECT_TRUE(FailedMentioning(CheckBitmapMatchesPages(in), "page " + std::to_string(zero) + ": bitmap bit set but no write"));
}

// The save's write covering file offset `at`, cut at `at + 2048` into two
// writes; `gap` bytes of the second half are then left out.
void SplitWriteAt(std::vector<LogRecord>& records, std::uint64_t at, std::uint64_t gap) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    LogRecord& r = records[i];
    if (r.kind != diofs::OpKind::kWrite || r.pid != testing::kSavePid || r.offset > at || at >= r.offset + r.length) {
      continue;
    }
    LogRecord second = r;
    const std::uint64_t end = r.offset + r.length;
    r.length = at + 2048 - r.offset;
    r.result = static_cast<std::int64_t>(r.length);
    second.offset = at + 2048 + gap;
    second.length = end - second.offset;
    second.result = static_cast<std::int64_t>(second.length);
    records.insert(records.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
    for (std::size_t k = 0; k < records.size(); ++k) records[k].seq = k + 1;
    return;
  }
  ADD_FAILURE() << "no save write covers " << at;
}

TEST(BitmapMatchesPages, WithoutAModelAPageMayBeCoveredByTwoWrites) {
  Saved s;
  const std::uint64_t data = s.FirstPage(true);
  const std::uint64_t at = s.pc_ram.header.pages_offset + data * 4096;
  SplitWriteAt(s.run.records, at, 0);  // halves of one page in two writes: covered
  CheckInput in = s.run.Input();
  in.ram = nullptr;
  const CheckResult joined = CheckBitmapMatchesPages(in);
  EXPECT_EQ(joined.status, CheckStatus::kPass) << joined.detail;
  Saved t;
  SplitWriteAt(t.run.records, at, 2048);  // the page's second half never written
  CheckInput half = t.run.Input();
  half.ram = nullptr;
  EXPECT_TRUE(FailedMentioning(CheckBitmapMatchesPages(half),
                               "page " + std::to_string(data) + ": bitmap bit set but no write in the log covers"));
}

TEST(BitmapMatchesPages, ZeroPageDetectionNoneSetsEveryBit) {
  EngineRun run;
  run.save = testing::SaveWith(2, true, {5, 0.5, 0});
  run.save.zero_page_detection = mrm::model::ZeroPageDetection::kNone;
  run.Run();
  CheckInput in = run.Input();
  EXPECT_EQ(CheckBitmapMatchesPages(in).status, CheckStatus::kFail);  // zero pages carry bits
  in.facts.zero_page_detection = false;
  const CheckResult r = CheckBitmapMatchesPages(in);
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
}

TEST(RamEqual, PassesACleanSaveAndNamesTheFirstDifferentPage) {
  Saved s;
  const CheckResult good = CheckRamEqual(s.run.Input());
  EXPECT_EQ(good.status, CheckStatus::kPass) << good.detail;
  EXPECT_NE(good.status, CheckStatus::kSkip);
  const std::uint64_t data = s.FirstPage(true);
  s.PageByte(data, 100) ^= 0xff;
  EXPECT_TRUE(FailedMentioning(CheckRamEqual(s.run.Input()),
                               "RAM block pc.ram page " + std::to_string(data) + " differs from the source at byte 100"));
}

TEST(RamEqual, FailsADataPageLeftAsAHole) {
  Saved s;
  const std::uint64_t data = s.FirstPage(true);
  s.FlipBit(data);
  EXPECT_TRUE(FailedMentioning(CheckRamEqual(s.run.Input()),
                               "page " + std::to_string(data) + ": bitmap bit clear (restored as zero)"));
}

TEST(RamEqual, ACompletedSaveNeedsACompletedLoad) {
  Saved s;
  CheckInput in = s.run.Input();
  in.load = MigrationOutcome{MigrationEnd::kFailed, "multifd recv (1): read 0x1000, expected 0x4000"};
  const CheckResult r = CheckRamEqual(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "the save completed but the load ended failed: multifd recv (1): read 0x1000, expected 0x4000");
  in.ram = nullptr;
  EXPECT_EQ(CheckRamEqual(in).status, CheckStatus::kFail);  // QEMU: still judged
  in.load.reset();
  EXPECT_EQ(CheckRamEqual(in).status, CheckStatus::kSkip);
}

TEST(RamEqual, ABlockMissingFromTheFileFails) {
  Saved s;
  CheckInput in = s.run.Input();
  auto blocks = in.ram->Blocks();
  blocks.emplace_back("pc.bios", 65536);
  const SeedRamExpectation more(s.run.save.content, blocks, s.run.save.passes);
  in.ram = &more;
  const CheckResult r = CheckRamEqual(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "block pc.bios of the guest is missing from the file");
}

// An engine that names vga.vram after its device, as QEMU does: the check
// looks for the engine's name in the file and reports the scenario's.
class DeviceNamedVram : public SeedRamExpectation {
 public:
  using SeedRamExpectation::SeedRamExpectation;
  std::string FileIdstr(const std::string& block) const override {
    return block == "vga.vram" ? "0000:00:01.0/vga.vram" : block;
  }
  bool EngineOwnsBlock(const std::string& file_idstr) const override { return file_idstr == "vga.vram"; }
};

TEST(RamEqual, BlocksAreLookedUpByTheEnginesName) {
  Saved s;
  CheckInput in = s.run.Input();
  const DeviceNamedVram renamed(s.run.save.content, in.ram->Blocks(), s.run.save.passes);
  in.ram = &renamed;
  const CheckResult r = CheckRamEqual(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail,
            "block vga.vram of the guest is missing from the file (the engine names it 0000:00:01.0/vga.vram)");
}

}  // namespace
}  // namespace dioh::checks
