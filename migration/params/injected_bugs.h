// The named bugs the unstable `x-inject` parameter can switch on, for
// regression runs of the fixture itself (DESIGN.md "Injected bugs"). This is
// the one list of names: the engine looks its bugs up here.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace mrm::params {

enum class InjectedBug {
  kUnalignedPagesOffset,     // pages_offset not rounded up to 1 MiB
  kOdirectMainChannel,       // the main channel opened with O_DIRECT
  kUngatedDirectIo,          // O_DIRECT without mapped-ram && multifd
  kSilentBufferedFallback,   // direct-io effective, channels opened buffered
  kMisalignedPageBuffers,    // page I/O from buffers not page aligned
  kBitmapViaOdirectChannel,  // the bitmap written through an O_DIRECT channel
  kZeroPagesInBitmap,        // zero pages keep their bitmap bit (historical bug 1)
  kRelativeRounding,         // 1 MiB rounding relative to offset=, not absolute
  kTruncatePrefix,           // O_TRUNC wipes the bytes before offset= (historical bug 2)
  kIgnoreShortWrites,        // a short channel pwritev goes unnoticed (historical bug 5)
};
inline constexpr std::size_t kInjectedBugCount = static_cast<std::size_t>(InjectedBug::kIgnoreShortWrites) + 1;

// Canonical names, in InjectedBug order.
std::span<const std::string_view> InjectedBugNames();
std::string_view InjectedBugName(InjectedBug bug);
// A canonical name or one of the engine's aliases (direct-main-channel,
// buffered-channels, misaligned-buffers, bitmap-via-direct-channel, stale-zero-bits).
std::optional<InjectedBug> InjectedBugFromName(std::string_view name);

}  // namespace mrm::params
