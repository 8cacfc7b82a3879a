// Migration capabilities with QEMU's names (qapi/migration.json
// MigrationCapability, QEMU 9.1+ where compress, block and zero-blocks are
// gone) and the conflict rules of QEMU's migrate_caps_check().
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace mrm::params {

// In QEMU's enum order: query-migrate-capabilities lists them in this order.
enum class Capability : std::size_t {
  kXbzrle,
  kRdmaPinAll,
  kAutoConverge,
  kEvents,
  kPostcopyRam,
  kXColo,
  kReleaseRam,
  kReturnPath,
  kPauseBeforeSwitchover,
  kMultifd,
  kDirtyBitmaps,
  kPostcopyBlocktime,
  kLateBlockActivate,
  kXIgnoreShared,
  kValidateUuid,
  kBackgroundSnapshot,
  kZeroCopySend,
  kPostcopyPreempt,
  kSwitchoverAck,
  kDirtyLimit,
  kMappedRam,
};
inline constexpr std::size_t kCapabilityCount = static_cast<std::size_t>(Capability::kMappedRam) + 1;

std::string_view CapabilityName(Capability capability);
std::optional<Capability> CapabilityFromName(std::string_view name);

// The on/off state of every capability; all off by default, as in QEMU.
class CapabilitySet {
 public:
  bool enabled(Capability capability) const { return state_[static_cast<std::size_t>(capability)]; }
  void set(Capability capability, bool on) { state_[static_cast<std::size_t>(capability)] = on; }
  bool operator==(const CapabilitySet&) const = default;

 private:
  std::array<bool, kCapabilityCount> state_{};
};

// QEMU's migrate_caps_check() for what this engine can hit: `updated` is the
// whole set after the change. Error messages are QEMU's, to the letter.
// Checks that depend on the host (postcopy userfaultfd, write tracking, KVM
// dirty ring, COLO replication) report QEMU's "not supported" texts.
dioh::Status CheckCapabilities(const CapabilitySet& updated, bool multifd_compression, bool tls);

}  // namespace mrm::params
