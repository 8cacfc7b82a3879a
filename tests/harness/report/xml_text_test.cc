#include "harness/report/xml_text.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

TEST(XmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(XmlEscape(R"(a<b>&"c"'d')"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(XmlEscape("plain text, é ✓"), "plain text, é ✓");
}

// A control character in an engine's message once made report.xml
// unparseable ("not well-formed (invalid token)").
TEST(XmlEscape, ReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(XmlEscape(std::string("a\x01" "b\x1b[0m", 7)), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD[0m");
  EXPECT_EQ(XmlEscape(std::string("nul\0here", 8)), "nul\xEF\xBF\xBDhere");
  EXPECT_EQ(XmlEscape("bad \xff\xfe utf-8"), "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8");
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE and \xEF\xBF\xBF"), "\xEF\xBF\xBD and \xEF\xBF\xBD");  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBD stays"), "\xEF\xBF\xBD stays");                        // U+FFFD itself
}

TEST(XmlEscape, KeepsLineBreaksAsReferencesInAttributes) {
  EXPECT_EQ(XmlEscape("one\ntwo\tthree\r"), "one&#10;two&#9;three&#13;");
  EXPECT_EQ(XmlTextEscape("one\ntwo\tthree\r<"), "one\ntwo\tthree&#13;&lt;");
}

}  // namespace
}  // namespace dioh
