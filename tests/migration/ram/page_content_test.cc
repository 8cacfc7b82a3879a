#include "migration/ram/page_content.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace mrm::ram {
namespace {

TEST(PageContent, DeterministicAndSeedDependent) {
  ContentSpec a{7, 0.0, 0.0};
  ContentSpec b{8, 0.0, 0.0};
  std::vector<uint8_t> p1(kPageSize), p2(kPageSize), p3(kPageSize);
  FillExpectedPage(a, "pc.ram", 5, 0, p1.data());
  FillExpectedPage(a, "pc.ram", 5, 0, p2.data());
  FillExpectedPage(b, "pc.ram", 5, 0, p3.data());
  EXPECT_EQ(p1, p2);
  EXPECT_NE(p1, p3);
  FillExpectedPage(a, "vga.vram", 5, 0, p3.data());
  EXPECT_NE(p1, p3);
}

TEST(PageContent, ZeroFractionIsHonoured) {
  for (double fraction : {0.0, 0.5, 1.0}) {
    ContentSpec spec{3, fraction, 0.0};
    int zero = 0;
    for (uint64_t p = 0; p < 4000; ++p) zero += IsZeroVersion(spec, "pc.ram", p, 0);
    EXPECT_NEAR(zero / 4000.0, fraction, 0.05) << fraction;
  }
  ContentSpec data_only{3, 0.0, 0.0};
  std::vector<uint8_t> page(kPageSize);
  FillExpectedPage(data_only, "pc.ram", 0, 0, page.data());
  EXPECT_TRUE(std::any_of(page.begin(), page.end(), [](uint8_t c) { return c != 0; }));
}

TEST(PageContent, LivePassesTurnDataIntoZero) {
  ContentSpec spec{11, 0.5, 0.3};
  int data_to_zero = 0;
  for (uint64_t p = 0; p < 2000; ++p) {
    const bool zero0 = IsZeroVersion(spec, "pc.ram", p, CurrentVersion(spec, "pc.ram", p, 0));
    const bool zero2 = IsZeroVersion(spec, "pc.ram", p, CurrentVersion(spec, "pc.ram", p, 2));
    data_to_zero += !zero0 && zero2;
  }
  EXPECT_GT(data_to_zero, 50);
}

TEST(PageContent, VerifyNamesBlockAndPage) {
  ContentSpec spec{1, 0.0, 0.0};
  std::vector<uint8_t> page(kPageSize);
  FillExpectedPage(spec, "pc.ram", 9, 0, page.data());
  EXPECT_TRUE(VerifyPage(spec, "pc.ram", 9, 0, page.data()).ok());
  page[100] ^= 1;
  dioh::Status s = VerifyPage(spec, "pc.ram", 9, 0, page.data());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("RAM block pc.ram page 9 differs from the source at byte 100"), std::string::npos);
}

}  // namespace
}  // namespace mrm::ram
