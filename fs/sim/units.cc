#include "fs/sim/units.h"

#include <cerrno>
#include <charconv>
#include <string>

namespace diofs::sim {
namespace {

struct Suffix {
  std::string_view name;
  std::uint64_t factor;
};

// Splits "123abc" into 123 and "abc", rejecting a missing number and overflow.
dioh::Result<std::uint64_t> Scale(std::string_view text, std::string_view what,
                                  std::initializer_list<Suffix> suffixes) {
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    return dioh::Status::Error(EINVAL, "not a " + std::string(what) + ": '" + std::string(text) + "'");
  }
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  for (const Suffix& s : suffixes) {
    if (unit != s.name) continue;
    if (s.factor != 0 && number > UINT64_MAX / s.factor) {
      return dioh::Status::Error(ERANGE, std::string(what) + " too large: '" + std::string(text) + "'");
    }
    return number * s.factor;
  }
  return dioh::Status::Error(EINVAL, "unknown unit '" + std::string(unit) + "' in " + std::string(what) +
                                         " '" + std::string(text) + "'");
}

}  // namespace

dioh::Result<std::uint64_t> ParseSize(std::string_view text) {
  return Scale(text, "size",
               {{"", 1}, {"K", 1ull << 10}, {"M", 1ull << 20}, {"G", 1ull << 30}, {"T", 1ull << 40}});
}

dioh::Result<std::uint64_t> ParseDurationNs(std::string_view text) {
  return Scale(text, "duration",
               {{"ns", 1}, {"us", 1000}, {"ms", 1'000'000}, {"s", 1'000'000'000}});
}

}  // namespace diofs::sim
