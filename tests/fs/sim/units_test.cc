#include "fs/sim/units.h"

#include <gtest/gtest.h>

namespace diofs::sim {
namespace {

TEST(UnitsTest, Sizes) {
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("64K"), 65536u);
  EXPECT_EQ(*ParseSize("200M"), 200u << 20);
  EXPECT_EQ(*ParseSize("1G"), 1ull << 30);
  EXPECT_EQ(*ParseSize("2T"), 2ull << 40);
}

TEST(UnitsTest, BadSizesNameTheText) {
  EXPECT_EQ(ParseSize("").status().code(), EINVAL);
  EXPECT_EQ(ParseSize("K").status().message(), "not a size: 'K'");
  EXPECT_EQ(ParseSize("12Q").status().message(), "unknown unit 'Q' in size '12Q'");
  EXPECT_EQ(ParseSize("-1").status().code(), EINVAL);
  EXPECT_EQ(ParseSize("99999999999999T").status().code(), ERANGE);
}

TEST(UnitsTest, Durations) {
  EXPECT_EQ(*ParseDurationNs("250ns"), 250u);
  EXPECT_EQ(*ParseDurationNs("80us"), 80'000u);
  EXPECT_EQ(*ParseDurationNs("8ms"), 8'000'000u);
  EXPECT_EQ(*ParseDurationNs("2s"), 2'000'000'000u);
  EXPECT_FALSE(ParseDurationNs("10").ok());  // a unit is required
  EXPECT_FALSE(ParseDurationNs("10m").ok());
}

}  // namespace
}  // namespace diofs::sim
