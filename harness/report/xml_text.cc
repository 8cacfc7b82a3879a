#include "harness/report/xml_text.h"

#include "common/text/utf8.h"

namespace dioh {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string Escape(std::string_view raw, bool attribute) {
  const std::string text = ValidUtf8(raw);  // invalid sequences are U+FFFD from here on
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
    if (byte == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      out += kReplacement;
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // a raw one would be normalised away
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default:
        if (byte < 0x20) {
          out += kReplacement;  // C0 controls are not XML 1.0 characters, not even as references
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string XmlEscape(std::string_view text) { return Escape(text, /*attribute=*/true); }

std::string XmlTextEscape(std::string_view text) { return Escape(text, /*attribute=*/false); }

}  // namespace dioh
