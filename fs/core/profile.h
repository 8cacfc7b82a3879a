// Storage profiles: the O_DIRECT rules of a kind of storage (DESIGN.md,
// section diofs). A profile is a preset, and every field can be overridden
// alone; `--profile strict-4k --dio-align 512` is a valid profile too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/core/alignment.h"

namespace diofs {

// What an open(O_DIRECT) gets.
enum class ODirectAtOpen : std::uint8_t {
  kAccept,  // the file opens; transfers are checked against the alignments
  kReject,  // open fails with EINVAL, as on tmpfs before Linux 6.6
};

// What diofs does with a transfer that breaks a rule.
enum class OnViolation : std::uint8_t {
  kEinval,  // fail it with EINVAL, as the device would
  kRecord,  // let it through and flag it in the op log and the counters
};

struct Profile {
  std::string name = "strict-4k";
  Alignment dio_align;  // offset and length of O_DIRECT transfers
  Alignment mem_align;  // buffer address (checked by libdiocheck, not by diofs)
  ODirectAtOpen odirect = ODirectAtOpen::kAccept;
  std::string like;     // what real storage behaves this way

  // One JSON object on one line: name, dio_align, mem_align, odirect, plus
  // `on_violation`. What `/.diofs/profile` reads.
  std::string ToJson(OnViolation on_violation) const;
};

// The presets, in the order DESIGN.md lists them.
const std::vector<Profile>& ProfilePresets();
// A preset by name; an unknown name fails with EINVAL and lists the names.
dioh::Result<Profile> ProfileByName(std::string_view name);

// Per-field overrides on top of a preset (command line, or a control write).
struct ProfileOverrides {
  std::optional<Alignment> dio_align;
  std::optional<Alignment> mem_align;
  std::optional<ODirectAtOpen> odirect;
};
Profile ApplyOverrides(Profile profile, const ProfileOverrides& overrides);

dioh::Result<ODirectAtOpen> ParseODirectAtOpen(std::string_view text);  // accept|reject
dioh::Result<OnViolation> ParseOnViolation(std::string_view text);      // einval|record
std::string_view ToString(ODirectAtOpen value);
std::string_view ToString(OnViolation value);

// What a write to `/.diofs/profile` may say: a preset name ("ext4-512"), or a
// JSON object with "name" and/or the fields of ToJson ("dio_align",
// "mem_align", "odirect", "on_violation"); fields not given keep the preset's
// value, or the current one when no name is given.
struct ProfileSwitch {
  Profile profile;
  OnViolation on_violation = OnViolation::kEinval;
};
dioh::Result<ProfileSwitch> ParseProfileSwitch(std::string_view text, const ProfileSwitch& current);

}  // namespace diofs
