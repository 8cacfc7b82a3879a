// Text for people: byte counts in binary units and paragraphs wrapped to a
// width (the verdict screen shows a failed check's whole detail, never cut).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dioh {

// "512 B", "4.0 KiB", "96.5 MiB", "1.0 GiB".
std::string HumanBytes(std::uint64_t bytes);

// `text` broken into lines of at most `width` characters (UTF-8 sequences
// count as one), at spaces where it can, inside a word only when the word
// alone is longer than a line. Line breaks in `text` are kept. Never empty:
// "" gives one empty line.
std::vector<std::string> WrapText(std::string_view text, std::size_t width);

}  // namespace dioh
