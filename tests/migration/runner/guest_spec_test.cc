#include "migration/runner/guest_spec.h"

#include <gtest/gtest.h>

namespace mrm::runner {
namespace {

TEST(GuestSpecTest, DefaultIsOnePcRamOf256M) {
  auto spec = MakeGuestSpec(GuestOptions{});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->blocks.size(), 1u);
  EXPECT_EQ(spec->blocks[0].idstr, "pc.ram");
  EXPECT_EQ(spec->blocks[0].used_length, 256u << 20);
  EXPECT_EQ(spec->passes, 1u);
}

TEST(GuestSpecTest, CarriesTheContentModel) {
  GuestOptions options;
  options.ram = "pc.ram=1G,vga.vram=16M";
  options.seed = 42;
  options.zero_fraction = 0.25;
  options.dirty_fraction = 0.1;
  options.passes = 3;
  auto spec = MakeGuestSpec(options);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->blocks.size(), 2u);
  EXPECT_EQ(spec->blocks[1].idstr, "vga.vram");
  EXPECT_EQ(spec->blocks[1].used_length, 16u << 20);
  EXPECT_EQ(spec->content.seed, 42u);
  EXPECT_EQ(spec->content.zero_fraction, 0.25);
  EXPECT_EQ(spec->content.dirty_fraction, 0.1);
  EXPECT_EQ(spec->passes, 3u);
}

TEST(GuestSpecTest, RefusesWhatCannotBeAGuest) {
  GuestOptions options;
  options.zero_fraction = -0.1;
  EXPECT_EQ(MakeGuestSpec(options).status().message(), "--zero-fraction must be between 0 and 1, got -0.100000");
  options = {};
  options.dirty_fraction = 2;
  EXPECT_EQ(MakeGuestSpec(options).status().message(), "--dirty-fraction must be between 0 and 1, got 2.000000");
  options = {};
  options.passes = 0;
  EXPECT_EQ(MakeGuestSpec(options).status().message(), "--passes must be at least 1");
  options = {};
  options.ram = "a=4K,a=8K";
  EXPECT_EQ(MakeGuestSpec(options).status().message(), "--ram names block a twice");
  options = {};
  options.ram = "pc.ram=5000";
  EXPECT_FALSE(MakeGuestSpec(options).ok());
}

}  // namespace
}  // namespace mrm::runner
