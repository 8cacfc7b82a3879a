#include "migration/params/injected_bugs.h"

#include <array>

namespace dioh::migration {
namespace {

// In InjectedBug order.
constexpr std::array<std::string_view, 7> kNames = {
    "unaligned-pages-offset",   "odirect-main-channel",     "ungated-direct-io",
    "silent-buffered-fallback", "misaligned-page-buffers",  "bitmap-via-odirect-channel",
    "zero-pages-in-bitmap",
};

}  // namespace

std::span<const std::string_view> InjectedBugNames() { return kNames; }

std::string_view InjectedBugName(InjectedBug bug) { return kNames[static_cast<std::size_t>(bug)]; }

std::optional<InjectedBug> InjectedBugFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<InjectedBug>(i);
  }
  return std::nullopt;
}

}  // namespace dioh::migration
