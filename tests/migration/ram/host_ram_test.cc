#include "migration/ram/host_ram.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mrm::ram {
namespace {

TEST(ParseRamSpec, BlocksAndSizes) {
  auto specs = ParseRamSpec("pc.ram=1G,vga.vram=16M,/rom@etc/acpi/tables=128K,x=4096");
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 4u);
  EXPECT_EQ((*specs)[0].used_length, uint64_t{1} << 30);
  EXPECT_EQ((*specs)[1].used_length, uint64_t{16} << 20);
  EXPECT_EQ((*specs)[2].idstr, "/rom@etc/acpi/tables");
  EXPECT_EQ((*specs)[3].used_length, 4096u);
  EXPECT_FALSE(ParseRamSpec("pc.ram=1000").ok());
  EXPECT_FALSE(ParseRamSpec("pc.ram").ok());
  EXPECT_FALSE(ParseRamSpec("pc.ram=12Q").ok());
  EXPECT_FALSE(ParseRamSpec("").ok());
}

TEST(HostRam, PageAlignedUnlessMisaligned) {
  auto ram = HostRam::Allocate({{"a", 8192}, {"b", 4096}});
  ASSERT_TRUE(ram.ok());
  for (const RamBlock& b : ram->blocks()) EXPECT_EQ(reinterpret_cast<uintptr_t>(b.host()) % kPageSize, 0u);
  auto bad = HostRam::Allocate({{"a", 8192}}, 8);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(bad->blocks()[0].host()) % kPageSize, 8u);
  EXPECT_FALSE(HostRam::Allocate({{"a", 100}}).ok());
}

TEST(HostRam, PassesAndVerify) {
  ContentSpec spec{5, 0.5, 0.25};
  auto ram = HostRam::Allocate({{"pc.ram", 1 << 20}});
  ASSERT_TRUE(ram.ok());
  auto first = ram->ApplyPass(spec, 0);
  EXPECT_EQ(first[0].size(), 256u);
  EXPECT_TRUE(ram->Verify(spec, 0).ok());
  auto second = ram->ApplyPass(spec, 1);
  EXPECT_GT(second[0].size(), 30u);
  EXPECT_LT(second[0].size(), 100u);
  EXPECT_TRUE(ram->Verify(spec, 1).ok());
  EXPECT_FALSE(ram->Verify(spec, 0).ok());
  ram->Clear();
  EXPECT_FALSE(ram->Verify(spec, 1).ok());
}

}  // namespace
}  // namespace mrm::ram
