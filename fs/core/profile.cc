#include "fs/core/profile.h"

#include <cerrno>

#include <nlohmann/json.hpp>

#include "common/text/json_nesting.h"

namespace diofs {
namespace {

Alignment Must(std::uint64_t bytes) { return *Alignment::Of(bytes); }

dioh::Status Bad(std::string message) { return dioh::Status::Error(EINVAL, std::move(message)); }

dioh::Result<Alignment> AlignmentField(const nlohmann::json& value, const char* key) {
  if (value.is_number_unsigned()) return Alignment::Of(value.get<std::uint64_t>());
  if (value.is_string()) return Alignment::Parse(value.get<std::string>());
  return Bad(std::string("'") + key + "' must be a power of two (a number or \"4K\")");
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

}  // namespace

const std::vector<Profile>& ProfilePresets() {
  // Figures: DESIGN.md's profile table; ext4-512 is what statx reports as
  // STATX_DIOALIGN on ext4 over a 512-byte logical-block device.
  static const std::vector<Profile> kPresets = {
      {"strict-4k", Must(4096), Must(4096), ODirectAtOpen::kAccept, "4Kn NVMe, the strictest common case"},
      {"ext4-512", Must(512), Must(512), ODirectAtOpen::kAccept, "ext4 on a 512-byte device"},
      {"xfs-4k", Must(4096), Must(512), ODirectAtOpen::kAccept, "XFS on a 4Kn device"},
      {"tmpfs", Must(1), Must(1), ODirectAtOpen::kAccept, "tmpfs since Linux 6.6: accepts anything"},
      {"no-odirect", Must(1), Must(1), ODirectAtOpen::kReject,
       "tmpfs before 6.6, some FUSE and network filesystems"},
      {"strict-64k", Must(65536), Must(4096), ODirectAtOpen::kAccept,
       "an extreme device: QEMU guarantees only 4 KiB granularity"},
      {"lenient", Must(1), Must(1), ODirectAtOpen::kAccept, "records only"},
  };
  return kPresets;
}

dioh::Result<Profile> ProfileByName(std::string_view name) {
  std::string names;
  for (const Profile& p : ProfilePresets()) {
    if (p.name == name) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  return Bad("unknown profile '" + std::string(name) + "' (profiles: " + names + ")");
}

Profile ApplyOverrides(Profile profile, const ProfileOverrides& overrides) {
  if (overrides.dio_align) profile.dio_align = *overrides.dio_align;
  if (overrides.mem_align) profile.mem_align = *overrides.mem_align;
  if (overrides.odirect) profile.odirect = *overrides.odirect;
  return profile;
}

dioh::Result<ODirectAtOpen> ParseODirectAtOpen(std::string_view text) {
  if (text == "accept") return ODirectAtOpen::kAccept;
  if (text == "reject") return ODirectAtOpen::kReject;
  return Bad("odirect must be 'accept' or 'reject', not '" + std::string(text) + "'");
}

dioh::Result<OnViolation> ParseOnViolation(std::string_view text) {
  if (text == "einval") return OnViolation::kEinval;
  if (text == "record") return OnViolation::kRecord;
  return Bad("on-violation must be 'einval' or 'record', not '" + std::string(text) + "'");
}

std::string_view ToString(ODirectAtOpen value) {
  return value == ODirectAtOpen::kAccept ? "accept" : "reject";
}

std::string_view ToString(OnViolation value) {
  return value == OnViolation::kEinval ? "einval" : "record";
}

std::string Profile::ToJson(OnViolation on_violation) const {
  const nlohmann::json j = {
      {"name", name},
      {"dio_align", dio_align.bytes()},
      {"mem_align", mem_align.bytes()},
      {"odirect", ToString(odirect)},
      {"on_violation", ToString(on_violation)},
  };
  return j.dump();
}

dioh::Result<ProfileSwitch> ParseProfileSwitch(std::string_view raw, const ProfileSwitch& current) {
  const std::string_view text = Trim(raw);
  if (text.empty()) return Bad("empty profile");
  if (text.front() != '{') {
    auto preset = ProfileByName(text);
    if (!preset.ok()) return preset.status();
    return ProfileSwitch{*preset, current.on_violation};
  }
  DIOH_RETURN_IF_ERROR(dioh::CheckJsonNesting(text));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad("profile is neither a name nor a JSON object");
  ProfileSwitch next = current;
  for (const auto& [key, value] : j.items()) {
    if (key == "name") {
      if (!value.is_string()) return Bad("'name' must be a string");
      auto preset = ProfileByName(value.get<std::string>());
      if (!preset.ok()) return preset.status();
      next.profile = *preset;
    } else if (key != "dio_align" && key != "mem_align" && key != "odirect" && key != "on_violation") {
      return Bad("unknown profile field '" + key + "'");
    }
  }
  // Fields after the preset, whatever their order in the object.
  for (const char* key : {"dio_align", "mem_align"}) {
    if (!j.contains(key)) continue;
    auto align = AlignmentField(j[key], key);
    if (!align.ok()) return align.status();
    (std::string_view(key) == "dio_align" ? next.profile.dio_align : next.profile.mem_align) = *align;
  }
  if (j.contains("odirect")) {
    if (!j["odirect"].is_string()) return Bad("'odirect' must be \"accept\" or \"reject\"");
    auto odirect = ParseODirectAtOpen(j["odirect"].get<std::string>());
    if (!odirect.ok()) return odirect.status();
    next.profile.odirect = *odirect;
  }
  if (j.contains("on_violation")) {
    if (!j["on_violation"].is_string()) return Bad("'on_violation' must be \"einval\" or \"record\"");
    auto on_violation = ParseOnViolation(j["on_violation"].get<std::string>());
    if (!on_violation.ok()) return on_violation.status();
    next.on_violation = *on_violation;
  }
  return next;
}

}  // namespace diofs
