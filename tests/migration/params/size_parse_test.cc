#include "migration/params/size_parse.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

TEST(SizeParseTest, NumbersAndSuffixes) {
  EXPECT_EQ(*ParseSize("0"), 0u);
  EXPECT_EQ(*ParseSize("4096"), 4096u);
  EXPECT_EQ(*ParseSize("0x1000"), 4096u);
  EXPECT_EQ(*ParseSize("1k"), 1024u);
  EXPECT_EQ(*ParseSize("2M"), 2u << 20);
  EXPECT_EQ(*ParseSize("1G"), 1ull << 30);
  EXPECT_EQ(*ParseSize("1.5M"), 3u << 19);
  EXPECT_EQ(*ParseSize("100", 1024 * 1024), 100u << 20);
}

TEST(SizeParseTest, RejectsWhatQemuRejects) {
  for (const char* bad : {"", "-1", "abc", "12x", "0x20M", "1.5", "1MM"}) {
    auto size = ParseSize(bad);
    ASSERT_FALSE(size.ok()) << bad;
    EXPECT_EQ(size.status().code(), EINVAL) << bad;
  }
  EXPECT_EQ(ParseSize("99999999999999999999").status().code(), ERANGE);
  EXPECT_EQ(ParseSize("16E").status().code(), ERANGE);
}

}  // namespace
}  // namespace mrm::params
