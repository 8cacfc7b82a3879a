// Text made safe for XML 1.0 (JUnit reports, SVG pictures). A detail can hold
// anything an engine printed or a file was named: invalid UTF-8 and the
// characters XML 1.0 cannot carry at all (C0 controls other than tab, line
// feed and carriage return; U+FFFE, U+FFFF) become U+FFFD, so that a strict
// parser never refuses the file ("not well-formed (invalid token)").
#pragma once

#include <string>
#include <string_view>

namespace dioh {

// For attribute values (and any text): &, <, >, " and ' escaped; tab, line
// feed and carriage return as character references, which parsers keep
// (a raw one in an attribute would read as a space).
std::string XmlEscape(std::string_view text);

// For element content: as XmlEscape, but tabs and line feeds stay as they are
// so that a multi-line body reads as written.
std::string XmlTextEscape(std::string_view text);

}  // namespace dioh
