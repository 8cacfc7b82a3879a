#include <fcntl.h>
#include <gtest/gtest.h>

#include "harness/checks/check_functions.h"
#include "migration/format/byte_source.h"
#include "tests/harness/checks/check_test_util.h"

namespace dioh::checks {
namespace {

using testing::BaseInput;
using testing::kLoadPid;
using testing::kSavePid;
using testing::LogBuilder;

TEST(PrefixIntact, ComparesTheBytesBeforeOffset) {
  std::vector<std::uint8_t> bytes(8192, 0xee);
  mrm::format::MemoryByteSource file(bytes);
  CheckInput in = BaseInput(nullptr);
  in.file = &file;
  EXPECT_EQ(CheckPrefixIntact(in).status, CheckStatus::kSkip);  // offset=0
  in.facts.uri_offset = 4096;
  in.prefix.assign(4096, 0xee);
  EXPECT_EQ(CheckPrefixIntact(in).status, CheckStatus::kPass);
  EXPECT_NE(CheckPrefixIntact(in).status, CheckStatus::kSkip);
  bytes[17] = 0;
  const CheckResult r = CheckPrefixIntact(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "byte 0x11 before offset= is 0x0, was 0xee");
}

TEST(PrefixIntact, NamesTheTruncatingOpenAndACutFile) {
  std::vector<std::uint8_t> bytes(100, 0);
  mrm::format::MemoryByteSource file(bytes);
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY | O_TRUNC);
  CheckInput in = BaseInput(&log.records());
  in.file = &file;
  in.facts.uri_offset = 4096;
  in.prefix.assign(4096, 0xee);
  const CheckResult r = CheckPrefixIntact(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "file is 100 bytes: the 4096 bytes before offset= are cut (open seq 1 tid 100 had O_TRUNC)");
}

TEST(ShortWritesNoticed, AnUnresumedShortWriteInACompletedSaveFails) {
  LogBuilder log;
  log.Open(kSavePid, 11, 2, O_WRONLY | O_DIRECT);
  diofs::oplog::LogRecord& fault = log.Add(diofs::OpKind::kFault, kSavePid, 11, 2);
  fault.offset = 0x100000;
  fault.aux = static_cast<std::uint32_t>(diofs::OpKind::kWrite);
  fault.text = "rule 'short-once' #1: short 4096";
  log.Write(kSavePid, 11, 2, 0x100000, 16384, O_WRONLY | O_DIRECT).result = 4096;
  CheckInput in = BaseInput(&log.records());
  const CheckResult r = CheckShortWritesNoticed(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "short write at offset 0x100000: 4096 of 16384 bytes, yet the save completed (write seq 3 tid 11 "
                      "offset 0x100000 length 16384) (fault rule 'short-once' #1: short 4096)");
  in.save = {MigrationEnd::kFailed, "multifd send (0): short write of 0x1000 of 0x4000 bytes at 0x100000 (ramblock pc.ram)"};
  EXPECT_EQ(CheckShortWritesNoticed(in).status, CheckStatus::kPass);
}

TEST(ShortWritesNoticed, AShortWriteResumedWhereItStoppedIsNoticed) {
  LogBuilder log;
  log.Open(kSavePid, 100, 1, O_CREAT | O_WRONLY);
  log.Write(kSavePid, 100, 1, 0, 32768, O_WRONLY).result = 100;
  log.Write(kSavePid, 100, 1, 100, 32668, O_WRONLY);
  const CheckResult r = CheckShortWritesNoticed(BaseInput(&log.records()));
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_EQ(r.detail, "1 short transfers, each resumed or failing its side");
}

TEST(ShortWritesNoticed, AShortReadInACompletedLoadFails) {
  LogBuilder log;
  log.Read(kLoadPid, 21, 5, 0x100000, 1u << 20, O_RDONLY | O_DIRECT).result = 4096;
  CheckInput in = BaseInput(&log.records());
  in.load = MigrationOutcome{MigrationEnd::kCompleted, ""};
  EXPECT_EQ(CheckShortWritesNoticed(in).status, CheckStatus::kFail);
  in.load = MigrationOutcome{MigrationEnd::kFailed, "multifd recv (0): read 0x1000, expected 0x100000"};
  EXPECT_EQ(CheckShortWritesNoticed(in).status, CheckStatus::kPass);
}

TEST(ExpectedOutcome, CompletedMeansBothSidesCompleted) {
  CheckInput in = BaseInput(nullptr);
  in.load = MigrationOutcome{MigrationEnd::kCompleted, ""};
  EXPECT_EQ(CheckExpectedOutcome(in).status, CheckStatus::kPass);
  in.load = MigrationOutcome{MigrationEnd::kFailed, "bad"};
  const CheckResult r = CheckExpectedOutcome(in);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail, "expected completed; save completed; load failed: bad");
}

TEST(ExpectedOutcome, AnExpectedFailureNeedsTheExactMessage) {
  CheckInput in = BaseInput(nullptr);
  const std::string message = "Could not open '/m/guest.img': filesystem does not support O_DIRECT";
  in.expected = ExpectedOutcome::Failure(
                                "Could not open '{file}': filesystem does not support O_DIRECT");
  in.migration_file = "/m/guest.img";
  in.save = {MigrationEnd::kFailed, message};
  EXPECT_EQ(CheckExpectedOutcome(in).status, CheckStatus::kPass);
  in.save.error_desc = message + ".";
  EXPECT_EQ(CheckExpectedOutcome(in).status, CheckStatus::kFail);
  in.save = {MigrationEnd::kCompleted, ""};
  in.load = MigrationOutcome{MigrationEnd::kFailed, message};  // the destination refused it
  EXPECT_EQ(CheckExpectedOutcome(in).status, CheckStatus::kPass);
  in.save = {MigrationEnd::kTimeout, message};  // the right words, but no failure
  EXPECT_EQ(CheckExpectedOutcome(in).detail,
            "expected failed: " + message + "; save timeout: " + message + "; load failed: " + message);
  in.expected.reset();
  EXPECT_EQ(CheckExpectedOutcome(in).status, CheckStatus::kSkip);
}

}  // namespace
}  // namespace dioh::checks
