#include "fs/core/alignment.h"

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(AlignmentTest, AcceptsPowersOfTwoOnly) {
  for (std::uint64_t bytes : {1ull, 2ull, 512ull, 4096ull, 65536ull, 1ull << 40}) {
    auto a = Alignment::Of(bytes);
    ASSERT_TRUE(a.ok()) << bytes;
    EXPECT_EQ(a->bytes(), bytes);
  }
  for (std::uint64_t bytes : {0ull, 3ull, 100ull, 4095ull, 4097ull, 3000ull}) {
    auto a = Alignment::Of(bytes);
    ASSERT_FALSE(a.ok()) << bytes;
    EXPECT_EQ(a.status().code(), EINVAL);
    EXPECT_EQ(a.status().message(), "alignment " + std::to_string(bytes) + " is not a power of two");
  }
}

TEST(AlignmentTest, ParsesSuffixes) {
  EXPECT_EQ(Alignment::Parse("4K")->bytes(), 4096u);
  EXPECT_EQ(Alignment::Parse("512")->bytes(), 512u);
  EXPECT_FALSE(Alignment::Parse("3K").ok());
  EXPECT_FALSE(Alignment::Parse("four").ok());
}

TEST(AlignmentTest, Aligns) {
  const Alignment a = *Alignment::Of(4096);
  EXPECT_TRUE(a.enforced());
  EXPECT_TRUE(a.Aligns(0));
  EXPECT_TRUE(a.Aligns(8192));
  EXPECT_FALSE(a.Aligns(512));
  EXPECT_FALSE(a.Aligns(4097));
  const Alignment none;
  EXPECT_FALSE(none.enforced());
  EXPECT_TRUE(none.Aligns(1));
  EXPECT_TRUE(none.Aligns(12345));
}

}  // namespace
}  // namespace diofs
