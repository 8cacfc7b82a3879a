// Profile switches (writes to .diofs/profile): a name or a JSON object; what
// parses reads back as JSON that switches to the same profile.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fs/core/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const diofs::ProfileSwitch current{*diofs::ProfileByName("strict-4k"), diofs::OnViolation::kEinval};
  auto next = diofs::ParseProfileSwitch(text, current);
  if (!next.ok()) return 0;
  const std::string json = next->profile.ToJson(next->on_violation);
  auto again = diofs::ParseProfileSwitch(json, current);
  if (!again.ok() || again->profile.ToJson(again->on_violation) != json) std::abort();
  return 0;
}
