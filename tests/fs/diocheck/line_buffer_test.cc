#include "fs/diocheck/line_buffer.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

TEST(LineBufferTest, FormatsNumbers) {
  char storage[128];
  LineBuffer out(storage, sizeof(storage));
  out.AppendUnsigned(0);
  out.AppendChar(' ');
  out.AppendUnsigned(std::numeric_limits<uint64_t>::max());
  out.AppendChar(' ');
  out.AppendSigned(-42);
  out.AppendChar(' ');
  out.AppendSigned(std::numeric_limits<int64_t>::min());
  out.AppendChar(' ');
  out.AppendHex(0x7f00dead0008);
  out.AppendChar(' ');
  out.AppendHex(0);
  EXPECT_EQ(out.view(),
            "0 18446744073709551615 -42 -9223372036854775808 0x7f00dead0008 0x0");
  EXPECT_FALSE(out.truncated());
}

TEST(LineBufferTest, EscapesJsonStrings) {
  char storage[128];
  LineBuffer out(storage, sizeof(storage));
  out.AppendJsonString("a \"b\"\\c\nd\te\x01");
  EXPECT_EQ(out.view(), R"("a \"b\"\\c\nd\te\u0001")");
}

TEST(LineBufferTest, StopsAtCapacityAndSaysSo) {
  char storage[8];
  LineBuffer out(storage, sizeof(storage));
  out.Append("0123456789");
  EXPECT_EQ(out.view(), "01234567");
  EXPECT_TRUE(out.truncated());
}

}  // namespace
}  // namespace diocheck
