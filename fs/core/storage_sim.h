// StorageSim: the storage simulation around the backend (DESIGN.md, diofs,
// "Storage simulation"): a device's latency and bandwidth (fs/sim
// DeviceModel) and seeded, counted fault rules (fs/sim FaultPlan), applied
// as a wrapper around backend calls — RocksDB's FaultInjectionTestFS shape,
// not code inside FUSE handlers. Off unless a device or rules are given.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "common/status/status.h"
#include "fs/core/backend.h"
#include "fs/sim/device_model.h"
#include "fs/sim/fault_plan.h"

namespace diofs {

// How a delay is waited for (a seam: tests record instead of sleeping).
using Sleeper = void (*)(std::uint64_t ns);
void SleepFor(std::uint64_t ns);

// A fired rule, with the plan that owns it (a rule lives as long as its plan,
// and /.diofs/faults may replace the plan at any moment).
struct Fault {
  std::shared_ptr<sim::FaultPlan> plan;
  sim::FaultDecision decision;
  const sim::FaultRule& rule() const { return *decision.rule; }
};

class StorageSim {
 public:
  StorageSim(const sim::DeviceSpec& device, std::shared_ptr<sim::FaultPlan> faults, Sleeper sleeper = SleepFor);

  // The rule that fires for this operation, if any (counted in the plan).
  std::optional<Fault> Decide(const sim::FaultQuery& query);
  // Replaces the rules at once (a write to /.diofs/faults).
  void SetFaults(std::shared_ptr<sim::FaultPlan> faults);
  std::shared_ptr<sim::FaultPlan> faults() const;

  // A write or read on `file` with `fault` applied: errno, short transfer,
  // torn write, delay, or bit corruption (of a copy of what is written, or of
  // what was read). Without a fault it is the backend call itself. With
  // `xxh3`, the backend may set it to the hash of `data` (WriteAtHashing);
  // never set when a fault changed what was stored.
  dioh::Result<std::size_t> Write(BackendFile& file, std::uint64_t offset, std::span<const std::byte> data,
                                  const std::optional<Fault>& fault, std::optional<std::uint64_t>* xxh3 = nullptr);
  dioh::Result<std::size_t> Read(BackendFile& file, std::uint64_t offset, std::span<std::byte> out,
                                 const std::optional<Fault>& fault);
  // Any other operation: fails with the rule's errno, or waits its delay.
  dioh::Status Other(const std::optional<Fault>& fault);

  // Waits as long as the device takes for a transfer that arrived at
  // `arrival_ns` (CLOCK_MONOTONIC), less the time already spent serving it,
  // or for an fsync. Called with no lock held.
  void ChargeTransfer(bool direct, bool write, std::uint64_t bytes, std::uint64_t arrival_ns);
  void ChargeFsync();
  bool device_enabled() const { return device_enabled_; }

  // What a fault did, for the op log's kFault record: "rule 'eio': errno EIO".
  static std::string Describe(const Fault& fault);

 private:
  sim::DeviceModel device_;
  const bool device_enabled_;
  Sleeper sleeper_;
  std::atomic<std::uint64_t> ordinal_{0};  // picks each transfer's jitter
  mutable std::mutex faults_mutex_;        // a leaf lock: guards the pointer only
  std::shared_ptr<sim::FaultPlan> faults_;
};

}  // namespace diofs
