#include "harness/report/text_layout.h"

#include <cstdio>

namespace dioh {
namespace {

// Characters in `text`: bytes that do not continue a UTF-8 sequence.
std::size_t Columns(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The byte length of the first `columns` characters of `text`.
std::size_t BytesOf(std::string_view text, std::size_t columns) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == columns) break;
  }
  return i;
}

void WrapLine(std::string_view line, std::size_t width, std::vector<std::string>& out) {
  while (Columns(line) > width) {
    const std::size_t limit = BytesOf(line, width);
    // The last space that ends a line within the width, else the word is cut.
    const std::size_t space = line.substr(0, limit + 1).rfind(' ');
    const std::size_t cut = space == std::string_view::npos || space == 0 ? limit : space;
    out.emplace_back(line.substr(0, cut));
    line.remove_prefix(cut);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  }
  out.emplace_back(line);
}

}  // namespace

std::string HumanBytes(std::uint64_t bytes) {
  char buf[32];
  const double b = static_cast<double>(bytes);
  if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1ull << 30));
  else if (bytes >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1ull << 20));
  else if (bytes >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  return buf;
}

std::vector<std::string> WrapText(std::string_view text, std::size_t width) {
  if (width == 0) width = 1;
  std::vector<std::string> lines;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    WrapLine(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start), width, lines);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace dioh
