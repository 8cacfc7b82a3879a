#include "harness/qemu/halt_firmware.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace dioh {
namespace {

TEST(HaltFirmwareTest, ZerosButCliHltAtTheResetVector) {
  const std::vector<std::byte> image = HaltFirmware();
  ASSERT_EQ(image.size(), 65536u);
  const std::vector<std::byte> code = {std::byte{0xFA}, std::byte{0xF4}, std::byte{0xEB}, std::byte{0xFD}};
  EXPECT_TRUE(std::equal(code.begin(), code.end(), image.begin() + 0xFFF0));
  std::size_t nonzero = 0;
  for (std::byte b : image) nonzero += b != std::byte{0};
  EXPECT_EQ(nonzero, 4u);
}

TEST(HaltFirmwareTest, WrittenToAFileForBios) {
  const auto path = std::filesystem::temp_directory_path() / ("fw-" + std::to_string(getpid()) + ".bin");
  ASSERT_TRUE(WriteHaltFirmware(path.string()).ok());
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  ASSERT_EQ(bytes.size(), 65536u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0xFFF1]), 0xF4);
  EXPECT_FALSE(WriteHaltFirmware("/nonexistent/dir/fw.bin").ok());
}

}  // namespace
}  // namespace dioh
