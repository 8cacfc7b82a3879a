// CLOCK_MONOTONIC in nanoseconds: the time base of op events and of the
// device model.
#pragma once

#include <cstdint>
#include <ctime>

namespace diofs {

inline std::uint64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace diofs
