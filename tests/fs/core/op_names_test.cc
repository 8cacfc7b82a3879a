#include "fs/core/op_names.h"

#include <gtest/gtest.h>

#include <set>

namespace diofs {
namespace {

TEST(OpNamesTest, EveryOpKindHasAUniqueNameThatParsesBack) {
  std::set<std::string_view> names;
  for (OpKind kind : kAllOpKinds) {
    const std::string_view name = OpKindName(kind);
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseOpKind(name), kind);
  }
  EXPECT_EQ(ParseOpKind("wrote"), std::nullopt);
  EXPECT_EQ(RuleName(Rule::kLengthAlign), "length_align");
  EXPECT_EQ(VerdictName(Verdict::kRecorded), "recorded");
}

}  // namespace
}  // namespace diofs
