// DeviceModel: how long a simulated device takes for an operation — a fixed
// latency plus seeded jitter, and a token-bucket bandwidth, separately for
// O_DIRECT and buffered reads and writes. Off unless a device is chosen.
//
// Buffered I/O in diofs is the application's write() arriving without
// O_DIRECT (diofs never enables the writeback cache): on a real machine it
// would land in the page cache, so the presets leave buffered I/O free and
// charge the device at fsync instead. Every figure can be overridden.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "fs/sim/token_bucket.h"

namespace diofs::sim {

enum class IoClass : std::uint8_t { kDirectRead = 0, kDirectWrite, kBufferedRead, kBufferedWrite };
inline constexpr std::size_t kIoClassCount = 4;

struct IoTiming {
  std::uint64_t latency_ns = 0;
  std::uint64_t jitter_ns = 0;      // uniform in [0, jitter_ns], seeded
  std::uint64_t bytes_per_sec = 0;  // 0 = unlimited
};

struct DeviceSpec {
  std::string name = "none";
  std::array<IoTiming, kIoClassCount> io{};
  std::uint64_t fsync_latency_ns = 0;
  std::uint64_t burst_bytes = 1 << 20;  // what may go ahead of the rate without waiting
  std::uint64_t seed = 0;

  bool enabled() const;
  std::string ToJson() const;
};

// "nvme", "sata-ssd", "hdd", "nfs-1g" or "none", optionally followed by
// comma-separated overrides: "nvme,write-bw=200M,write-lat=50us,seed=7".
// Keys: {read,write,buffered-read,buffered-write}-{lat,jitter,bw}, fsync-lat,
// burst, seed. Bandwidths are bytes per second with binary suffixes (200M =
// 200 MiB/s); durations need a unit (ns, us, ms, s).
dioh::Result<DeviceSpec> ParseDeviceSpec(std::string_view text);

class DeviceModel {
 public:
  explicit DeviceModel(const DeviceSpec& spec);

  // The delay (ns) an I/O of `bytes` arriving at `now_ns` must wait before it
  // completes. `ordinal` picks the jitter (deterministic for a given seed).
  // Thread-safe; it never sleeps.
  std::uint64_t IoDelay(IoClass io_class, std::uint64_t bytes, std::uint64_t now_ns,
                        std::uint64_t ordinal);
  std::uint64_t FsyncDelay() const { return spec_.fsync_latency_ns; }
  const DeviceSpec& spec() const { return spec_; }

 private:
  const DeviceSpec spec_;
  std::array<std::unique_ptr<TokenBucket>, kIoClassCount> buckets_;
};

// splitmix64: the seeded mixing function behind every "random" choice of the
// simulation, so that a seed reproduces the same choices.
std::uint64_t Mix64(std::uint64_t x);

}  // namespace diofs::sim
