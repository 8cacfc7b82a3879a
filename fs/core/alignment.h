// Alignment: a byte alignment that is a power of two, or no rule at all (1).
// Constructing one from anything else fails, so a profile can never hold an
// alignment that the `x & (a - 1)` test would get wrong (seastar's alignment
// types make the same promise).
#pragma once

#include <cstdint>
#include <string>

#include "common/status/status.h"

namespace diofs {

class Alignment {
 public:
  // 1: every offset, length and address is aligned (no rule).
  constexpr Alignment() = default;
  // Fails with EINVAL, naming the value, unless `bytes` is a power of two.
  static dioh::Result<Alignment> Of(std::uint64_t bytes);
  // Parses "4096", "4K", "64K" (binary suffixes), then checks as Of().
  static dioh::Result<Alignment> Parse(const std::string& text);

  constexpr std::uint64_t bytes() const { return bytes_; }
  constexpr bool enforced() const { return bytes_ > 1; }
  constexpr bool Aligns(std::uint64_t value) const { return (value & (bytes_ - 1)) == 0; }
  constexpr bool operator==(const Alignment&) const = default;

 private:
  constexpr explicit Alignment(std::uint64_t bytes) : bytes_(bytes) {}
  std::uint64_t bytes_ = 1;
};

}  // namespace diofs
