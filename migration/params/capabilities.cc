#include "migration/params/capabilities.h"

#include <cerrno>

namespace mrm::params {
namespace {

constexpr std::array<std::string_view, kCapabilityCount> kNames = {
    "xbzrle",          "rdma-pin-all",        "auto-converge",      "events",
    "postcopy-ram",    "x-colo",              "release-ram",        "return-path",
    "pause-before-switchover", "multifd",     "dirty-bitmaps",      "postcopy-blocktime",
    "late-block-activate", "x-ignore-shared", "validate-uuid",      "background-snapshot",
    "zero-copy-send",  "postcopy-preempt",    "switchover-ack",     "dirty-limit",
    "mapped-ram",
};

dioh::Status Fail(std::string message) { return dioh::Status::Error(EINVAL, std::move(message)); }

}  // namespace

std::string_view CapabilityName(Capability capability) {
  return kNames[static_cast<std::size_t>(capability)];
}

std::optional<Capability> CapabilityFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Capability>(i);
  }
  return std::nullopt;
}

// Same order of checks as QEMU's migrate_caps_check(), so that a request that
// breaks two rules gets the message QEMU gives.
dioh::Status CheckCapabilities(const CapabilitySet& caps, bool multifd_compression, bool tls) {
  using C = Capability;
  auto on = [&caps](C c) { return caps.enabled(c); };
  if (on(C::kXColo)) {
    return Fail("QEMU compiled without replication module can't enable COLO");
  }
  if (on(C::kPostcopyRam)) {
    if (on(C::kXIgnoreShared)) return Fail("Postcopy is not compatible with ignore-shared");
    if (on(C::kMultifd)) return Fail("Postcopy is not yet compatible with multifd");
  }
  if (on(C::kBackgroundSnapshot)) {
    // mrmigrate has no userfaultfd write tracking of guest memory.
    return Fail("Background-snapshot is not supported by host kernel");
  }
  if (on(C::kZeroCopySend) &&
      (!on(C::kMultifd) || on(C::kXbzrle) || multifd_compression || tls)) {
    return Fail("Zero copy only available for non-compressed non-TLS multifd migration");
  }
  if (on(C::kPostcopyPreempt) && !on(C::kPostcopyRam)) {
    return Fail("Postcopy preempt requires postcopy-ram");
  }
  if (on(C::kSwitchoverAck) && !on(C::kReturnPath)) {
    return Fail("Capability 'switchover-ack' requires capability 'return-path'");
  }
  if (on(C::kDirtyLimit)) {
    if (on(C::kAutoConverge)) {
      return Fail("dirty-limit conflicts with auto-converge either of then available currently");
    }
    return Fail("dirty-limit requires KVM with accelerator property 'dirty-ring-size' set");
  }
  if (on(C::kMultifd) && on(C::kXbzrle)) return Fail("Multifd is not compatible with xbzrle");
  if (on(C::kMappedRam)) {
    if (on(C::kXbzrle)) return Fail("Mapped-ram migration is incompatible with xbzrle");
    if (on(C::kPostcopyRam)) return Fail("Mapped-ram migration is incompatible with postcopy");
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::params
