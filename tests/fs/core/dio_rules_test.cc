#include "fs/core/dio_rules.h"

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(DioRulesTest, BufferedTransfersAreNeverChecked) {
  const Profile p = *ProfileByName("strict-64k");
  const RuleVerdict v = CheckTransfer(p, OnViolation::kEinval, O_RDWR, 1, 100);
  EXPECT_EQ(v.rule, Rule::kNone);
  EXPECT_EQ(v.verdict, Verdict::kPass);
}

TEST(DioRulesTest, OffsetIsNamedBeforeLength) {
  const Profile p = *ProfileByName("strict-4k");
  EXPECT_EQ(CheckTransfer(p, OnViolation::kEinval, O_DIRECT, 1, 100).rule, Rule::kOffsetAlign);
  EXPECT_EQ(CheckTransfer(p, OnViolation::kEinval, O_DIRECT, 4096, 100).rule, Rule::kLengthAlign);
  EXPECT_EQ(CheckTransfer(p, OnViolation::kEinval, O_DIRECT, 4096, 8192).rule, Rule::kNone);
}

TEST(DioRulesTest, PolicyDecidesTheVerdict) {
  const Profile p = *ProfileByName("ext4-512");
  const RuleVerdict rejected = CheckTransfer(p, OnViolation::kEinval, O_DIRECT | O_WRONLY, 0, 100);
  EXPECT_EQ(rejected.verdict, Verdict::kRejected);
  EXPECT_EQ(rejected.error(), -EINVAL);
  const RuleVerdict recorded = CheckTransfer(p, OnViolation::kRecord, O_DIRECT | O_WRONLY, 0, 100);
  EXPECT_EQ(recorded.verdict, Verdict::kRecorded);
  EXPECT_EQ(recorded.rule, Rule::kLengthAlign);
  EXPECT_EQ(recorded.error(), 0);
}

TEST(DioRulesTest, OpenRejectsODirectOnlyWhereTheProfileSays) {
  EXPECT_EQ(CheckOpen(*ProfileByName("no-odirect"), O_RDWR | O_DIRECT).verdict, Verdict::kRejected);
  EXPECT_EQ(CheckOpen(*ProfileByName("no-odirect"), O_RDWR | O_DIRECT).rule, Rule::kODirectUnsupported);
  EXPECT_EQ(CheckOpen(*ProfileByName("no-odirect"), O_RDWR).verdict, Verdict::kPass);
  EXPECT_EQ(CheckOpen(*ProfileByName("strict-4k"), O_RDWR | O_DIRECT).verdict, Verdict::kPass);
}

TEST(DioRulesTest, NoAlignmentProfilesPassEverything) {
  for (const char* name : {"tmpfs", "lenient"}) {
    EXPECT_EQ(CheckTransfer(*ProfileByName(name), OnViolation::kEinval, O_DIRECT, 1, 1).verdict, Verdict::kPass);
  }
}

}  // namespace
}  // namespace diofs
