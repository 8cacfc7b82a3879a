#include "fs/core/storage_sim.h"

#include "fs/core/monotonic_clock.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

namespace diofs {
namespace {

dioh::Status Injected(const Fault& fault, int code) {
  return dioh::Status::Error(code, "injected by fault rule '" + fault.rule().name + "'");
}

}  // namespace

void SleepFor(std::uint64_t ns) { std::this_thread::sleep_for(std::chrono::nanoseconds(ns)); }

StorageSim::StorageSim(const sim::DeviceSpec& device, std::shared_ptr<sim::FaultPlan> faults, Sleeper sleeper)
    : device_(device), device_enabled_(device.enabled()), sleeper_(sleeper), faults_(std::move(faults)) {
  if (!faults_) faults_ = sim::FaultPlan::Empty();
}

std::optional<Fault> StorageSim::Decide(const sim::FaultQuery& query) {
  auto plan = faults();
  if (plan->size() == 0) return std::nullopt;
  auto decision = plan->Decide(query);
  if (!decision) return std::nullopt;
  return Fault{std::move(plan), *decision};
}

void StorageSim::SetFaults(std::shared_ptr<sim::FaultPlan> faults) {
  std::lock_guard lock(faults_mutex_);
  faults_ = std::move(faults);
}

std::shared_ptr<sim::FaultPlan> StorageSim::faults() const {
  std::lock_guard lock(faults_mutex_);
  return faults_;
}

dioh::Result<std::size_t> StorageSim::Write(BackendFile& file, std::uint64_t offset, std::span<const std::byte> data,
                                            const std::optional<Fault>& fault, std::optional<std::uint64_t>* xxh3) {
  const auto whole = [&] { return xxh3 != nullptr ? file.WriteAtHashing(offset, data, *xxh3) : file.WriteAt(offset, data); };
  if (!fault) return whole();
  const sim::FaultRule& rule = fault->rule();
  switch (rule.action) {
    case sim::Action::kErrno:
      return Injected(*fault, rule.error);
    case sim::Action::kShort: {
      auto done = file.WriteAt(offset, data.first(std::min<std::size_t>(rule.bytes, data.size())));
      return done;  // the caller sees fewer bytes than it asked for
    }
    case sim::Action::kTorn: {
      auto done = file.WriteAt(offset, data.first(std::min<std::size_t>(rule.bytes, data.size())));
      if (!done.ok()) return done;
      if (rule.fail_after_tear) return Injected(*fault, rule.error != 0 ? rule.error : EIO);
      return data.size();  // claims it all: the tail is silently lost
    }
    case sim::Action::kDelay:
      sleeper_(rule.delay_ns);
      return whole();
    case sim::Action::kCorrupt: {
      if (rule.corrupt_when != sim::CorruptWhen::kOnWrite) return file.WriteAt(offset, data);
      std::vector<std::byte> copy(data.begin(), data.end());  // never the caller's buffer
      sim::FlipBits(reinterpret_cast<std::uint8_t*>(copy.data()), copy.size(), rule.flip_bits, fault->decision.seed);
      return file.WriteAt(offset, copy);
    }
  }
  return file.WriteAt(offset, data);
}

dioh::Result<std::size_t> StorageSim::Read(BackendFile& file, std::uint64_t offset, std::span<std::byte> out,
                                           const std::optional<Fault>& fault) {
  if (!fault) return file.ReadAt(offset, out);
  const sim::FaultRule& rule = fault->rule();
  switch (rule.action) {
    case sim::Action::kErrno:
      return Injected(*fault, rule.error);
    case sim::Action::kShort:
    case sim::Action::kTorn:  // a torn read is a short one
      return file.ReadAt(offset, out.first(std::min<std::size_t>(rule.bytes, out.size())));
    case sim::Action::kDelay:
      sleeper_(rule.delay_ns);
      return file.ReadAt(offset, out);
    case sim::Action::kCorrupt: {
      auto done = file.ReadAt(offset, out);
      if (done.ok() && rule.corrupt_when == sim::CorruptWhen::kOnRead) {
        sim::FlipBits(reinterpret_cast<std::uint8_t*>(out.data()), *done, rule.flip_bits, fault->decision.seed);
      }
      return done;
    }
  }
  return file.ReadAt(offset, out);
}

dioh::Status StorageSim::Other(const std::optional<Fault>& fault) {
  if (!fault) return dioh::Status::Ok();
  const sim::FaultRule& rule = fault->rule();
  if (rule.action == sim::Action::kDelay) {
    sleeper_(rule.delay_ns);
    return dioh::Status::Ok();
  }
  if (rule.action == sim::Action::kErrno || rule.action == sim::Action::kTorn) {
    return Injected(*fault, rule.error != 0 ? rule.error : EIO);
  }
  return dioh::Status::Ok();  // short and corrupt mean nothing without data
}

void StorageSim::ChargeTransfer(bool direct, bool write, std::uint64_t bytes, std::uint64_t arrival_ns) {
  if (!device_enabled_) return;
  const sim::IoClass io_class = direct ? (write ? sim::IoClass::kDirectWrite : sim::IoClass::kDirectRead)
                                       : (write ? sim::IoClass::kBufferedWrite : sim::IoClass::kBufferedRead);
  const std::uint64_t delay = device_.IoDelay(io_class, bytes, arrival_ns, ordinal_.fetch_add(1));
  const std::uint64_t served_ns = MonotonicNs() - arrival_ns;  // the backend's own time counts
  if (delay > served_ns) sleeper_(delay - served_ns);
}

void StorageSim::ChargeFsync() {
  if (device_enabled_ && device_.FsyncDelay() > 0) sleeper_(device_.FsyncDelay());
}

std::string StorageSim::Describe(const Fault& fault) {
  const sim::FaultRule& rule = fault.rule();
  std::string action;
  switch (rule.action) {
    case sim::Action::kErrno: action = std::string("errno ") + (strerrorname_np(rule.error) ? strerrorname_np(rule.error) : "?"); break;
    case sim::Action::kShort: action = "short " + std::to_string(rule.bytes); break;
    case sim::Action::kTorn: action = "torn " + std::to_string(rule.bytes) + (rule.fail_after_tear ? " then fail" : " then succeed"); break;
    case sim::Action::kDelay: action = "delay " + std::to_string(rule.delay_ns) + "ns"; break;
    case sim::Action::kCorrupt:
      action = "corrupt " + std::to_string(rule.flip_bits) + " bits on " +
               (rule.corrupt_when == sim::CorruptWhen::kOnWrite ? "write" : "read");
      break;
  }
  return "rule '" + rule.name + "' #" + std::to_string(fault.decision.ordinal) + ": " + action;
}

}  // namespace diofs
