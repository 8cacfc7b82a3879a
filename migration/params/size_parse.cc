#include "migration/params/size_parse.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <string>

namespace mrm::params {
namespace {

dioh::Status Bad(int code) { return dioh::Status::Error(code, code == ERANGE ? "out of range" : "invalid size"); }

// The multiplier of a suffix letter, 0 if the letter is not a suffix.
std::uint64_t SuffixMultiplier(char c) {
  switch (std::tolower(static_cast<unsigned char>(c))) {
    case 'b': return 1;
    case 'k': return 1ULL << 10;
    case 'm': return 1ULL << 20;
    case 'g': return 1ULL << 30;
    case 't': return 1ULL << 40;
    case 'p': return 1ULL << 50;
    case 'e': return 1ULL << 60;
    default: return 0;
  }
}

}  // namespace

dioh::Result<std::uint64_t> ParseSize(std::string_view text, std::uint64_t default_unit) {
  std::size_t pos = 0;
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos == text.size() || text[pos] == '-') return Bad(EINVAL);
  const bool hex = text.substr(pos, 2) == "0x" || text.substr(pos, 2) == "0X";
  std::uint64_t whole = 0;
  std::size_t digits_start = hex ? pos + 2 : pos;
  std::size_t i = digits_start;
  const unsigned base = hex ? 16 : 10;
  for (; i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i])); ++i) {
    const char c = text[i];
    if (!hex && !std::isdigit(static_cast<unsigned char>(c))) break;
    const unsigned digit = std::isdigit(static_cast<unsigned char>(c))
                               ? static_cast<unsigned>(c - '0')
                               : static_cast<unsigned>(std::tolower(c) - 'a' + 10);
    if (whole > (UINT64_MAX - digit) / base) return Bad(ERANGE);
    whole = whole * base + digit;
  }
  if (i == digits_start) return Bad(EINVAL);
  double fraction = 0;
  if (!hex && i < text.size() && text[i] == '.') {
    std::size_t f = i + 1;
    double scale = 0.1;
    for (; f < text.size() && std::isdigit(static_cast<unsigned char>(text[f])); ++f, scale /= 10) {
      fraction += (text[f] - '0') * scale;
    }
    i = f;
  }
  std::uint64_t unit = default_unit;
  if (i < text.size()) {
    unit = SuffixMultiplier(text[i]);
    if (unit == 0 || hex) return Bad(EINVAL);
    ++i;
  }
  if (i != text.size()) return Bad(EINVAL);
  if (fraction != 0 && unit == 1) return Bad(EINVAL);
  if (whole > UINT64_MAX / unit) return Bad(ERANGE);
  const std::uint64_t extra = static_cast<std::uint64_t>(std::llround(fraction * static_cast<double>(unit)));
  if (whole * unit > UINT64_MAX - extra) return Bad(ERANGE);
  return whole * unit + extra;
}

}  // namespace mrm::params
