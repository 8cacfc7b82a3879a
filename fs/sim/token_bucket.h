// TokenBucket: a bandwidth limit that computes delays instead of sleeping, so
// the caller sleeps with no lock held that other operations need.
//
// It is the GCRA form of a token bucket: a "theoretical arrival time" moves
// forward by bytes/rate for every reservation; up to `burst_bytes` may go
// ahead of it without waiting. Sequential transfers of N bytes at rate R thus
// finish after N/R seconds, whatever the request size.
#pragma once

#include <cstdint>
#include <mutex>

namespace diofs::sim {

class TokenBucket {
 public:
  // bytes_per_sec == 0 means unlimited: Reserve() always returns 0.
  TokenBucket(std::uint64_t bytes_per_sec, std::uint64_t burst_bytes);

  // Reserves `bytes` for a transfer arriving at `now_ns` (CLOCK_MONOTONIC).
  // Returns how long the caller must wait (ns) before completing it.
  std::uint64_t Reserve(std::uint64_t bytes, std::uint64_t now_ns);

  std::uint64_t bytes_per_sec() const { return bytes_per_sec_; }

 private:
  const std::uint64_t bytes_per_sec_;
  const std::uint64_t burst_ns_;  // burst_bytes expressed as time at the rate
  std::mutex mu_;                 // guards tat_ns_ only; never held while sleeping
  std::uint64_t tat_ns_ = 0;      // theoretical arrival time of the next byte
};

}  // namespace diofs::sim
