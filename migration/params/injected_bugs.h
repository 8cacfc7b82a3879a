// The named bugs the unstable `x-inject` parameter can switch on, for
// regression runs of the fixture itself (DESIGN.md "Injected bugs"). This is
// the one list of names: the engine looks its bugs up here.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace dioh::migration {

enum class InjectedBug {
  kUnalignedPagesOffset,     // pages_offset not rounded up to 1 MiB
  kOdirectMainChannel,       // the main channel opened with O_DIRECT
  kUngatedDirectIo,          // O_DIRECT without mapped-ram && multifd
  kSilentBufferedFallback,   // direct-io effective, channels opened buffered
  kMisalignedPageBuffers,    // page I/O from buffers not page aligned
  kBitmapViaOdirectChannel,  // the bitmap written through an O_DIRECT channel
  kZeroPagesInBitmap,        // zero pages keep their bitmap bit (historical bug 1)
};

std::span<const std::string_view> InjectedBugNames();
std::string_view InjectedBugName(InjectedBug bug);
std::optional<InjectedBug> InjectedBugFromName(std::string_view name);

}  // namespace dioh::migration
