#include "harness/qemu/base64.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

std::vector<std::byte> Bytes(std::string_view s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(Bytes(plain)), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, Bytes(plain));
  }
}

TEST(Base64Test, AllByteValuesRoundTrip) {
  std::vector<std::byte> all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::byte>(i));
  EXPECT_EQ(*Base64Decode(Base64Encode(all)), all);
}

TEST(Base64Test, NotBase64IsNamed) {
  EXPECT_EQ(Base64Decode("Zm9").status().code(), EINVAL);
  EXPECT_EQ(Base64Decode("Zm*v").status().message(), "not base64 at character 2");
  EXPECT_FALSE(Base64Decode("Zg==Zg==").ok());  // padding only at the end
  EXPECT_FALSE(Base64Decode("Z===").ok());
}

}  // namespace
}  // namespace dioh
