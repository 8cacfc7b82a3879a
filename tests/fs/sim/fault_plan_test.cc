#include "fs/sim/fault_plan.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace diofs::sim {
namespace {

std::shared_ptr<FaultPlan> Plan(const std::string& json) {
  auto plan = FaultPlan::Parse(json);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? *plan : FaultPlan::Empty();
}

FaultQuery Write(std::string_view path, std::uint64_t offset, std::uint64_t length, bool direct = true) {
  return FaultQuery{OpKind::kWrite, path, direct, offset, length};
}

// The ordinals (1-based) of the queries among `n` identical ones that fire.
std::vector<int> Firing(FaultPlan& plan, const FaultQuery& q, int n) {
  std::vector<int> fired;
  for (int i = 1; i <= n; ++i) {
    if (plan.Decide(q)) fired.push_back(i);
  }
  return fired;
}

// ---- matchers ----

TEST(FaultPlanMatchTest, ByOp) {
  auto plan = Plan(R"({"rules":[{"op":["fsync","flush"],"action":{"errno":"EIO"}}]})");
  EXPECT_FALSE(plan->Decide(Write("/f", 0, 4096)));
  EXPECT_TRUE(plan->Decide(FaultQuery{OpKind::kFsync, "/f", false, 0, 0}));
  EXPECT_TRUE(plan->Decide(FaultQuery{OpKind::kFlush, "/f", false, 0, 0}));
}

TEST(FaultPlanMatchTest, ByPathGlob) {
  auto plan = Plan(R"({"rules":[{"path":"/vm/*.img","action":{"errno":"EIO"}}]})");
  EXPECT_TRUE(plan->Decide(Write("/vm/a.img", 0, 1)));
  EXPECT_FALSE(plan->Decide(Write("/vm/a.raw", 0, 1)));
  EXPECT_FALSE(plan->Decide(Write("/vm/sub/a.img", 0, 1)));  // '*' does not cross '/'
}

TEST(FaultPlanMatchTest, ByODirect) {
  auto plan = Plan(R"({"rules":[{"direct":false,"action":{"errno":"EIO"}}]})");
  EXPECT_FALSE(plan->Decide(Write("/f", 0, 4096, true)));
  EXPECT_TRUE(plan->Decide(Write("/f", 0, 4096, false)));
}

TEST(FaultPlanMatchTest, ByOffsetRangeOverlap) {
  auto plan = Plan(R"({"rules":[{"offset":["1M","2M"],"action":{"errno":"EIO"}}]})");
  EXPECT_FALSE(plan->Decide(Write("/f", 0, 1 << 20)));             // ends at 1M
  EXPECT_TRUE(plan->Decide(Write("/f", (1 << 20) - 4096, 8192)));  // straddles 1M
  EXPECT_TRUE(plan->Decide(Write("/f", (2 << 20) - 1, 1)));
  EXPECT_FALSE(plan->Decide(Write("/f", 2 << 20, 4096)));
}

// ---- triggers ----

TEST(FaultPlanTriggerTest, NthFiresOnce) {
  auto plan = Plan(R"({"rules":[{"when":{"nth":3},"action":{"errno":"EIO"}}]})");
  EXPECT_EQ(Firing(*plan, Write("/f", 0, 1), 10), (std::vector<int>{3}));
  EXPECT_EQ(plan->hits(0), 1u);
}

TEST(FaultPlanTriggerTest, EveryNth) {
  auto plan = Plan(R"({"rules":[{"when":{"every":4},"action":{"errno":"EIO"}}]})");
  EXPECT_EQ(Firing(*plan, Write("/f", 0, 1), 12), (std::vector<int>{4, 8, 12}));
}

TEST(FaultPlanTriggerTest, AfterBytes) {
  // Fires on every write that would take the matched total past 10 KiB.
  auto plan = Plan(R"({"rules":[{"when":{"after_bytes":"10K"},"action":{"errno":"ENOSPC"}}]})");
  EXPECT_EQ(Firing(*plan, Write("/f", 0, 4096), 5), (std::vector<int>{3, 4, 5}));
}

TEST(FaultPlanTriggerTest, TimesLimitsHits) {
  auto plan = Plan(R"({"rules":[{"times":2,"action":{"errno":"EINTR"}}]})");
  EXPECT_EQ(Firing(*plan, Write("/f", 0, 1), 5), (std::vector<int>{1, 2}));
}

TEST(FaultPlanTriggerTest, ProbabilityIsSeededAndReproducible) {
  const std::string rules = R"({"seed":1234,"rules":[{"when":{"probability":0.25},"action":{"errno":"EIO"}}]})";
  const std::vector<int> first = Firing(*Plan(rules), Write("/f", 0, 1), 1000);
  // Roughly a quarter fire (binomial, 1000 draws: far outside 150..350 is a broken generator).
  EXPECT_GT(first.size(), 150u);
  EXPECT_LT(first.size(), 350u);
  for (int repeat = 0; repeat < 20; ++repeat) {
    EXPECT_EQ(Firing(*Plan(rules), Write("/f", 0, 1), 1000), first) << "repeat " << repeat;
  }
  const std::string other = R"({"seed":1235,"rules":[{"when":{"probability":0.25},"action":{"errno":"EIO"}}]})";
  EXPECT_NE(Firing(*Plan(other), Write("/f", 0, 1), 1000), first);
}

TEST(FaultPlanTriggerTest, ProbabilityBounds) {
  EXPECT_TRUE(Firing(*Plan(R"({"rules":[{"when":{"probability":0},"action":{"errno":"EIO"}}]})"),
                     Write("/f", 0, 1), 100).empty());
  EXPECT_EQ(Firing(*Plan(R"({"rules":[{"when":{"probability":1},"action":{"errno":"EIO"}}]})"),
                   Write("/f", 0, 1), 100).size(), 100u);
}

// ---- actions ----

TEST(FaultPlanActionTest, Errno) {
  auto plan = Plan(R"({"rules":[{"action":{"errno":"EDQUOT"}}]})");
  auto d = plan->Decide(Write("/f", 0, 1));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule->action, Action::kErrno);
  EXPECT_EQ(d->rule->error, EDQUOT);
}

TEST(FaultPlanActionTest, ShortTransfer) {
  auto plan = Plan(R"({"rules":[{"action":{"short":"1K"}}]})");  // a decision points into its plan
  auto d = plan->Decide(Write("/f", 0, 8192));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule->action, Action::kShort);
  EXPECT_EQ(d->rule->bytes, 1024u);
}

TEST(FaultPlanActionTest, TornWriteFailsOrClaimsSuccess) {
  auto fail_plan = Plan(R"({"rules":[{"action":{"torn":512}}]})");
  auto fail = fail_plan->Decide(Write("/f", 0, 4096));
  ASSERT_TRUE(fail);
  EXPECT_EQ(fail->rule->action, Action::kTorn);
  EXPECT_EQ(fail->rule->bytes, 512u);
  EXPECT_TRUE(fail->rule->fail_after_tear);
  EXPECT_EQ(fail->rule->error, EIO);
  auto lie_plan = Plan(R"({"rules":[{"action":{"torn":512,"then":"succeed"}}]})");
  auto lie = lie_plan->Decide(Write("/f", 0, 4096));
  ASSERT_TRUE(lie);
  EXPECT_FALSE(lie->rule->fail_after_tear);
}

TEST(FaultPlanActionTest, Delay) {
  auto plan = Plan(R"({"rules":[{"action":{"delay":"15ms"}}]})");
  auto d = plan->Decide(Write("/f", 0, 1));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule->action, Action::kDelay);
  EXPECT_EQ(d->rule->delay_ns, 15'000'000u);
}

TEST(FaultPlanActionTest, CorruptionFlipsSeededBits) {
  auto plan = Plan(R"({"seed":9,"rules":[{"op":"read","action":{"corrupt":"read","bits":3}}]})");
  auto d = plan->Decide(FaultQuery{OpKind::kRead, "/f", true, 0, 4096});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule->corrupt_when, CorruptWhen::kOnRead);
  std::vector<std::uint8_t> a(4096, 0), b(4096, 0);
  FlipBits(a.data(), a.size(), d->rule->flip_bits, d->seed);
  FlipBits(b.data(), b.size(), d->rule->flip_bits, d->seed);
  EXPECT_EQ(a, b);  // same seed, same bits
  int set = 0;
  for (std::uint8_t byte : a) set += __builtin_popcount(byte);
  EXPECT_GE(set, 1);
  EXPECT_LE(set, 3);  // two draws may hit the same bit and cancel out
}

TEST(FaultPlanTest, FirstFiringRuleWinsAndCountsAreReported) {
  auto plan = Plan(R"({"rules":[
      {"name":"only-fsync","op":"fsync","action":{"errno":"EIO"}},
      {"name":"every-2nd-write","op":"write","when":{"every":2},"action":{"errno":"ENOSPC"}}]})");
  for (int i = 0; i < 4; ++i) plan->Decide(Write("/f", 0, 1));
  const std::string json = plan->ToJson();
  EXPECT_NE(json.find(R"("hits":2,"matched":4,"name":"every-2nd-write")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("hits":0,"matched":0,"name":"only-fsync")"), std::string::npos) << json;
}

// ---- bad rules ----

struct BadRule {
  const char* json;
  const char* message;
};

void PrintTo(const BadRule& rule, std::ostream* os) { *os << rule.json; }  // gtest's name for the case

class FaultPlanBadRuleTest : public ::testing::TestWithParam<BadRule> {};

TEST(FaultPlanTest, DeepNestingIsRefusedBeforeParsing) {
  // 100 000 levels overflowed the stack of whatever walked the parsed value.
  const std::string deep = R"({"rules":[)" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  auto plan = FaultPlan::Parse(deep);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(), "fault rules: JSON nested deeper than 64 levels at byte 72");
}

TEST_P(FaultPlanBadRuleTest, IsRejectedWithAReason) {
  auto plan = FaultPlan::Parse(GetParam().json);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), EINVAL);
  EXPECT_EQ(plan.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, FaultPlanBadRuleTest,
    ::testing::Values(
        BadRule{"{", "fault rules are not valid JSON"},
        BadRule{R"([1])", R"(fault rules must be an object {"seed": N, "rules": [...]})"},
        BadRule{R"({"rules":[{"op":"wrte","action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): unknown op "wrte")"},
        BadRule{R"({"rules":[{"name":"g","path":"/a[b","action":{"errno":"EIO"}}]})",
                R"(rule 0 ("g"): path glob '/a[b' has an unclosed '[')"},
        BadRule{R"({"rules":[{"path":"a*","action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): path glob 'a*' must start with '/')"},
        BadRule{R"({"rules":[{"when":{"probability":1.5},"action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): 'probability' must be within [0, 1], not 1.5)"},
        BadRule{R"({"rules":[{"action":{"errno":"EWHATEVER"}}]})",
                R"(rule 0 ("rule0"): unknown errno name "EWHATEVER")"},
        BadRule{R"({"rules":[{"when":{"nth":0},"action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): 'nth' must be at least 1)"},
        BadRule{R"({"rules":[{"when":{"sometimes":1},"action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): unknown trigger 'sometimes' (nth, every, after_bytes, probability))"},
        BadRule{R"({"rules":[{"op":"write"}]})", R"(rule 0 ("rule0"): 'action' (an object) is required)"},
        BadRule{R"({"rules":[{"action":{"explode":1}}]})",
                R"(rule 0 ("rule0"): unknown action (errno, short, torn, delay, corrupt))"},
        BadRule{R"({"rules":[{"opp":"write","action":{"errno":"EIO"}}]})",
                R"(rule 0 ("rule0"): unknown field 'opp')"},
        BadRule{R"({"rules":[{"action":{"errno":"EIO"}},{"offset":[5,5],"action":{"errno":"EIO"}}]})",
                R"(rule 1 ("rule1"): 'offset' range is empty)"},
        // Each of these aborted diofs (an uncaught json type_error), from
        // --faults and from a write to .diofs/faults.
        BadRule{R"({"rules":[{"action":{"torn":512,"then":7}}]})",
                R"(rule 0 ("rule0"): 'then' must be "fail" or "succeed")"},
        BadRule{R"({"rules":[{"action":{"corrupt":"write","bits":"many"}}]})",
                R"(rule 0 ("rule0"): 'bits' must be a whole number from 1 to 4096)"},
        BadRule{R"({"rules":[{"action":{"corrupt":"write","bits":-3}}]})",
                R"(rule 0 ("rule0"): 'bits' must be a whole number from 1 to 4096)"},
        BadRule{R"({"rules":[{"action":{"corrupt":"write","bits":4294967297}}]})",
                R"(rule 0 ("rule0"): 'bits' must be a whole number from 1 to 4096)"}));

}  // namespace
}  // namespace diofs::sim
