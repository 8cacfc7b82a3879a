#include "fs/sim/token_bucket.h"

#include <algorithm>

namespace diofs::sim {
namespace {

std::uint64_t NanosFor(std::uint64_t bytes, std::uint64_t bytes_per_sec) {
  // Whole seconds first, so that large sizes at low rates do not overflow.
  const std::uint64_t seconds = bytes / bytes_per_sec;
  const double rest = static_cast<double>(bytes % bytes_per_sec) * 1e9 /
                      static_cast<double>(bytes_per_sec);
  return seconds * 1'000'000'000u + static_cast<std::uint64_t>(rest);
}

}  // namespace

TokenBucket::TokenBucket(std::uint64_t bytes_per_sec, std::uint64_t burst_bytes)
    : bytes_per_sec_(bytes_per_sec),
      burst_ns_(bytes_per_sec == 0 ? 0 : NanosFor(burst_bytes, bytes_per_sec)) {}

std::uint64_t TokenBucket::Reserve(std::uint64_t bytes, std::uint64_t now_ns) {
  if (bytes_per_sec_ == 0) return 0;
  const std::uint64_t cost = NanosFor(bytes, bytes_per_sec_);
  std::lock_guard lock(mu_);
  tat_ns_ = std::max(tat_ns_, now_ns) + cost;
  const std::uint64_t earliest = tat_ns_ > burst_ns_ ? tat_ns_ - burst_ns_ : 0;
  return earliest > now_ns ? earliest - now_ns : 0;
}

}  // namespace diofs::sim
