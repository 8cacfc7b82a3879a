// UTF-8 at the edges: input that must be text is refused when it is not
// UTF-8 (naming the byte offset), output that must be JSON gets U+FFFD for
// each byte that cannot start or continue a character, as the Unicode
// standard's "maximal subpart" practice does (and Python's 'replace').
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dioh {

// The offset of the first byte that is not part of valid UTF-8 (overlong
// forms, surrogates and code points above U+10FFFF included), or none.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);

// `text` with every invalid sequence replaced by U+FFFD; valid text is
// returned unchanged.
std::string ValidUtf8(std::string_view text);

}  // namespace dioh
