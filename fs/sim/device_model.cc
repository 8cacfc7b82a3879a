#include "fs/sim/device_model.h"

#include <cerrno>
#include <map>

#include <nlohmann/json.hpp>

#include "fs/sim/units.h"

namespace diofs::sim {
namespace {

constexpr std::uint64_t kUs = 1000;
constexpr std::uint64_t kMs = 1000 * kUs;
constexpr std::uint64_t kMB = 1000 * 1000;  // vendors quote decimal megabytes

IoTiming Timing(std::uint64_t latency_ns, std::uint64_t bytes_per_sec) {
  return IoTiming{latency_ns, latency_ns / 10, bytes_per_sec};
}

// Typical figures of each class of device (datasheet orders of magnitude):
// queue-depth-1 latency and sequential bandwidth.
DeviceSpec Preset(std::string_view name, bool* found) {
  DeviceSpec d;
  d.name = std::string(name);
  *found = true;
  auto direct = [&d](IoTiming read, IoTiming write) {
    d.io[static_cast<std::size_t>(IoClass::kDirectRead)] = read;
    d.io[static_cast<std::size_t>(IoClass::kDirectWrite)] = write;
  };
  if (name == "none") {
  } else if (name == "nvme") {  // PCIe 3.0 x4 TLC NVMe
    direct(Timing(80 * kUs, 3000 * kMB), Timing(20 * kUs, 2000 * kMB));
    d.fsync_latency_ns = 200 * kUs;
  } else if (name == "sata-ssd") {  // SATA 6 Gb/s SSD
    direct(Timing(100 * kUs, 540 * kMB), Timing(60 * kUs, 500 * kMB));
    d.fsync_latency_ns = 1 * kMs;
  } else if (name == "hdd") {  // 7200 rpm: ~4 ms seek + 4 ms half rotation
    direct(Timing(8 * kMs, 160 * kMB), Timing(8 * kMs, 150 * kMB));
    d.fsync_latency_ns = 10 * kMs;
  } else if (name == "nfs-1g") {  // NFS over 1 GbE: ~0.5 ms round trip, ~112 MB/s payload
    direct(Timing(500 * kUs, 112 * kMB), Timing(500 * kUs, 112 * kMB));
    d.fsync_latency_ns = 1 * kMs;
  } else {
    *found = false;
  }
  return d;
}

dioh::Status ApplyOverride(DeviceSpec& d, std::string_view key, std::string_view value) {
  static const std::map<std::string_view, IoClass> kClasses = {
      {"read", IoClass::kDirectRead},
      {"write", IoClass::kDirectWrite},
      {"buffered-read", IoClass::kBufferedRead},
      {"buffered-write", IoClass::kBufferedWrite}};
  auto set = [&](std::uint64_t& field, dioh::Result<std::uint64_t> parsed) -> dioh::Status {
    if (!parsed.ok()) return parsed.status().WithContext(std::string(key));
    field = *parsed;
    return dioh::Status::Ok();
  };
  if (key == "fsync-lat") return set(d.fsync_latency_ns, ParseDurationNs(value));
  if (key == "burst") return set(d.burst_bytes, ParseSize(value));
  if (key == "seed") return set(d.seed, ParseSize(value));
  const std::size_t dash = key.rfind('-');
  if (dash != std::string_view::npos) {
    auto it = kClasses.find(key.substr(0, dash));
    const std::string_view field = key.substr(dash + 1);
    if (it != kClasses.end()) {
      IoTiming& t = d.io[static_cast<std::size_t>(it->second)];
      if (field == "lat") return set(t.latency_ns, ParseDurationNs(value));
      if (field == "jitter") return set(t.jitter_ns, ParseDurationNs(value));
      if (field == "bw") return set(t.bytes_per_sec, ParseSize(value));
    }
  }
  return dioh::Status::Error(EINVAL, "unknown device setting '" + std::string(key) + "'");
}

}  // namespace

bool DeviceSpec::enabled() const {
  if (fsync_latency_ns != 0) return true;
  for (const IoTiming& t : io) {
    if (t.latency_ns != 0 || t.jitter_ns != 0 || t.bytes_per_sec != 0) return true;
  }
  return false;
}

std::string DeviceSpec::ToJson() const {
  static constexpr const char* kNames[kIoClassCount] = {"read", "write", "buffered-read",
                                                        "buffered-write"};
  nlohmann::json j = {{"name", name}, {"fsync_latency_ns", fsync_latency_ns},
                      {"burst_bytes", burst_bytes}, {"seed", seed}};
  for (std::size_t i = 0; i < kIoClassCount; ++i) {
    j[kNames[i]] = {{"latency_ns", io[i].latency_ns},
                    {"jitter_ns", io[i].jitter_ns},
                    {"bytes_per_sec", io[i].bytes_per_sec}};
  }
  return j.dump();
}

dioh::Result<DeviceSpec> ParseDeviceSpec(std::string_view text) {
  const std::size_t comma = text.find(',');
  const std::string_view base = text.substr(0, comma);
  bool found = false;
  DeviceSpec d = Preset(base, &found);
  if (!found) {
    return dioh::Status::Error(EINVAL, "unknown device '" + std::string(base) +
                                           "' (nvme, sata-ssd, hdd, nfs-1g, none)");
  }
  std::string_view rest = comma == std::string_view::npos ? "" : text.substr(comma + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(',');
    const std::string_view item = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return dioh::Status::Error(EINVAL, "device setting '" + std::string(item) + "' needs KEY=VALUE");
    }
    DIOH_RETURN_IF_ERROR(ApplyOverride(d, item.substr(0, eq), item.substr(eq + 1)));
  }
  return d;
}

std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

DeviceModel::DeviceModel(const DeviceSpec& spec) : spec_(spec) {
  for (std::size_t i = 0; i < kIoClassCount; ++i) {
    buckets_[i] = std::make_unique<TokenBucket>(spec_.io[i].bytes_per_sec, spec_.burst_bytes);
  }
}

std::uint64_t DeviceModel::IoDelay(IoClass io_class, std::uint64_t bytes, std::uint64_t now_ns,
                                   std::uint64_t ordinal) {
  const auto i = static_cast<std::size_t>(io_class);
  const IoTiming& t = spec_.io[i];
  std::uint64_t delay = t.latency_ns;
  if (t.jitter_ns != 0) delay += Mix64(spec_.seed ^ Mix64(ordinal)) % (t.jitter_ns + 1);
  const std::uint64_t wait = buckets_[i]->Reserve(bytes, now_ns);
  // Latency and transfer overlap on a pipelined device: the slower one bounds.
  return std::max(delay, wait);
}

}  // namespace diofs::sim
