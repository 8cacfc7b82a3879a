// GuestSpec: mrmigrate's "guest", the RAM a save sends and a load verifies:
// the blocks (--ram), the seed model of their content (--seed,
// --zero-fraction, --dirty-fraction) and the number of live passes (--passes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/ram/host_ram.h"
#include "migration/ram/page_content.h"

namespace mrm::runner {

inline constexpr const char* kDefaultRamSpec = "pc.ram=256M";

struct GuestSpec {
  std::vector<ram::RamBlockSpec> blocks;
  ram::ContentSpec content;
  std::uint32_t passes = 1;  // > 1: a live save (dirtied pages sent again)
};

struct GuestOptions {
  std::string ram = kDefaultRamSpec;
  std::uint64_t seed = 1;
  double zero_fraction = 0.5;
  double dirty_fraction = 0.0;
  std::uint32_t passes = 1;
};

// Checks the options (fractions in [0, 1], passes >= 1, a valid --ram).
dioh::Result<GuestSpec> MakeGuestSpec(const GuestOptions& options);

}  // namespace mrm::runner
