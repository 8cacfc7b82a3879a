#include "migration/model/injected_bugs.h"

#include <algorithm>
#include <array>
#include <cerrno>

namespace mrm::model {
namespace {

// In InjectedBug order.
constexpr std::array<std::string_view, kInjectedBugCount> kNames = {
    "unaligned-pages-offset",   "odirect-main-channel",    "ungated-direct-io",
    "silent-buffered-fallback", "misaligned-page-buffers", "bitmap-via-odirect-channel",
    "zero-pages-in-bitmap",     "relative-rounding",       "truncate-prefix",
    "ignore-short-writes",
};

struct Alias {
  std::string_view alias;
  InjectedBug bug;
};
constexpr std::array<Alias, 5> kAliases = {{
    {"direct-main-channel", InjectedBug::kOdirectMainChannel},
    {"buffered-channels", InjectedBug::kSilentBufferedFallback},
    {"misaligned-buffers", InjectedBug::kMisalignedPageBuffers},
    {"bitmap-via-direct-channel", InjectedBug::kBitmapViaOdirectChannel},
    {"stale-zero-bits", InjectedBug::kZeroPagesInBitmap},
}};

}  // namespace

std::span<const std::string_view> InjectedBugNames() { return kNames; }

std::string_view InjectedBugName(InjectedBug bug) { return kNames[static_cast<std::size_t>(bug)]; }

std::optional<InjectedBug> InjectedBugFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<InjectedBug>(i);
  }
  for (const Alias& alias : kAliases) {
    if (alias.alias == name) return alias.bug;
  }
  return std::nullopt;
}

bool InjectedBugs::has(InjectedBug bug) const { return std::find(bugs_.begin(), bugs_.end(), bug) != bugs_.end(); }

std::vector<std::string> InjectedBugs::Names() const {
  std::vector<std::string> out;
  for (InjectedBug bug : bugs_) out.emplace_back(InjectedBugName(bug));
  return out;
}

dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names) {
  InjectedBugs parsed;
  for (const std::string& name : names) {
    const auto bug = InjectedBugFromName(name);
    if (!bug) return dioh::Status::Error(EINVAL, "Parameter 'x-inject' does not accept value '" + name + "'");
    parsed.add(*bug);
  }
  return parsed;
}

}  // namespace mrm::model
