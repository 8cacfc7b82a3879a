#include "harness/scenario/qmp_arguments.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dioh {
namespace {

TEST(QmpArgumentsTest, StartsAsAnEmptyObject) {
  const QmpArguments arguments;
  EXPECT_TRUE(arguments.json().is_object());
  EXPECT_TRUE(arguments.json().empty());
}

TEST(QmpArgumentsTest, CopiesAreDeepAndMovesKeepTheValue) {
  QmpArguments original = nlohmann::json{{"direct-io", true}};
  QmpArguments copy = original;
  copy.json()["multifd-channels"] = 4;
  EXPECT_FALSE(original.json().contains("multifd-channels"));
  original = copy;
  EXPECT_EQ(original.json()["multifd-channels"], 4);
  copy.json()["direct-io"] = false;
  EXPECT_EQ(original.json()["direct-io"], true);
  const QmpArguments moved = std::move(copy);
  EXPECT_EQ(moved.json(), (nlohmann::json{{"direct-io", false}, {"multifd-channels", 4}}));
}

}  // namespace
}  // namespace dioh
