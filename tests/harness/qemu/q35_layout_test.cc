#include "harness/qemu/q35_layout.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

using mrm::ram::RamBlockSpec;
constexpr std::uint64_t kMiB = 1 << 20;

TEST(Q35LayoutTest, BuildsPcRamAndPciVga) {
  auto layout = Q35Layout::For({{"pc.ram", 256 * kMiB}, {"vga.vram", 16 * kMiB}});
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->MachineArgs(),
            (std::vector<std::string>{"-m", "256M", "-device", "VGA,vgamem_mb=16,romfile=,addr=01.0"}));
  EXPECT_EQ(layout->AddressOf("pc.ram", 0x5000), 0x5000u);
  EXPECT_EQ(layout->AddressOf("pc.ram", 0x9ffff), 0x9ffffu);
  EXPECT_EQ(layout->AddressOf("pc.ram", 0xa0000), std::nullopt);  // QEMU's
  EXPECT_EQ(layout->AddressOf("pc.ram", 0xff000), std::nullopt);
  EXPECT_EQ(layout->AddressOf("pc.ram", 0x100000), 0x100000u);
  EXPECT_EQ(layout->AddressOf("pc.ram", 256 * kMiB), std::nullopt);
  EXPECT_EQ(layout->AddressOf("vga.vram", 0x1000), 0xc0001000u);
  EXPECT_EQ(layout->AddressOf("vga.vram", 16 * kMiB), std::nullopt);
  const auto ranges = layout->Ranges();
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].length, 0xa0000u);
  EXPECT_EQ(ranges[1].address, 0x100000u);
  EXPECT_EQ(ranges[1].length, 255 * kMiB);
  EXPECT_EQ(ranges[2].idstr, "vga.vram");
  EXPECT_EQ(ranges[2].address, Q35Layout::kVramAddress);
  EXPECT_TRUE(ranges[1].mapped_at_reset);
  EXPECT_FALSE(ranges[2].mapped_at_reset);  // only once its BAR is programmed
}

// VGA in slot 1: config address 0x80000800 (bus 0, device 1, function 0).
TEST(Q35LayoutTest, VramIsMappedThroughPciConfigSpaceAndNamedAfterItsDevice) {
  auto layout = Q35Layout::For({{"pc.ram", 64 * kMiB}, {"vga.vram", 8 * kMiB}});
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->PciSetupCommands(),
            (std::vector<std::string>{"outl 0xcf8 0x80000810", "outl 0xcfc 0xc0000000", "outl 0xcf8 0x80000804",
                                      "outw 0xcfc 0x3"}));
  EXPECT_EQ(Q35Layout::QemuIdstr("vga.vram"), "0000:00:01.0/vga.vram");
  EXPECT_EQ(Q35Layout::QemuIdstr("pc.ram"), "pc.ram");
  EXPECT_TRUE(Q35Layout::For({{"pc.ram", 64 * kMiB}})->PciSetupCommands().empty());
}

TEST(Q35LayoutTest, AKeepAliveBlockIsASecondaryVgaInSlotTwo) {
  auto layout = Q35Layout::For({{"pc.ram", 64 * kMiB}}, 16 * kMiB);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->MachineArgs(),
            (std::vector<std::string>{"-m", "64M", "-device", "secondary-vga,vgamem_mb=16,addr=02.0"}));
  EXPECT_EQ(layout->PciSetupCommands(),
            (std::vector<std::string>{"outl 0xcf8 0x80001010", "outl 0xcfc 0xe0000000", "outl 0xcf8 0x80001004",
                                      "outw 0xcfc 0x3"}));
  EXPECT_EQ(layout->Ranges().size(), 2u);  // not a scenario block
  EXPECT_EQ(Q35Layout::For({{"pc.ram", 64 * kMiB}}, 3 * kMiB).status().code(), EINVAL);
}

TEST(Q35LayoutTest, LargeGuestsSplitAtTwoGiBAsPcQ35InitDoes) {
  auto layout = Q35Layout::For({{"pc.ram", 4096 * kMiB}});
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->AddressOf("pc.ram", 0x7ffff000), 0x7ffff000u);
  EXPECT_EQ(layout->AddressOf("pc.ram", 0x80000000), 0x100000000u);
  const auto ranges = layout->Ranges();
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[2].address, 0x100000000u);
  EXPECT_EQ(ranges[2].length, 2048 * kMiB);
  // 2.5 GiB stays below 4 GiB entirely.
  EXPECT_EQ(Q35Layout::For({{"pc.ram", 2560 * kMiB}})->AddressOf("pc.ram", 0x9ffff000), 0x9ffff000u);
}

TEST(Q35LayoutTest, WhatQemuCannotBuildSaysWhy) {
  EXPECT_NE(Q35Layout::For({{"pc.ram", 64 * kMiB}, {"my.ram", kMiB}}).status().message().find("'my.ram'"),
            std::string::npos);
  EXPECT_NE(Q35Layout::For({{"vga.vram", 16 * kMiB}}).status().message().find("pc.ram is missing"), std::string::npos);
  EXPECT_NE(Q35Layout::For({{"pc.ram", kMiB + 4096}}).status().message().find("whole number of MiB"),
            std::string::npos);
  EXPECT_NE(Q35Layout::For({{"pc.ram", 64 * kMiB}, {"vga.vram", 12 * kMiB}}).status().message().find("power of two"),
            std::string::npos);
  EXPECT_EQ(Q35Layout::For({{"pc.ram", 64 * kMiB}, {"vga.vram", 1024 * kMiB}}).status().code(), ENOTSUP);
}

}  // namespace
}  // namespace dioh
