#include "common/text/utf8.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

TEST(Utf8Test, ValidTextPassesUnchanged) {
  for (std::string_view text : {"", "plain", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(FirstInvalidUtf8(text), std::nullopt) << text;
    EXPECT_EQ(ValidUtf8(text), text);
  }
}

TEST(Utf8Test, InvalidBytesAreFoundAtTheirOffset) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("x\xE0\x80\xAF"), 1u);     // overlong three-byte form
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);      // a surrogate, U+D800
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("ok\xC3"), 2u);            // cut short at the end
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);              // a lone continuation byte
}

TEST(Utf8Test, EachBadByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(ValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ValidUtf8("\xC3\x28"), "\xEF\xBF\xBD(");
  EXPECT_EQ(ValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(FirstInvalidUtf8(ValidUtf8("\xF0\x28\x8C\xBC\xFF\xFE")), std::nullopt);
}

}  // namespace
}  // namespace dioh
