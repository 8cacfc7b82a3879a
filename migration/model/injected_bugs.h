// The named bugs the unstable `x-inject` parameter switches on, for regression
// runs of the fixture itself (DESIGN.md "Injected bugs"). Several are QEMU's
// historical bugs. This is the one list of names: the parameters core parses
// x-inject into InjectedBugs, and the engine and channels take that value.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace mrm::model {

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

// The x-inject value: the bugs in the order they were set, repeats kept, so
// that query-migrate-parameters echoes the list as QEMU echoes a strList.
class InjectedBugs {
 public:
  InjectedBugs() = default;
  InjectedBugs(std::initializer_list<InjectedBug> bugs) : bugs_(bugs) {}

  void add(InjectedBug bug) { bugs_.push_back(bug); }
  bool has(InjectedBug bug) const;
  bool empty() const { return bugs_.empty(); }
  std::vector<std::string> Names() const;  // canonical names, in the order set
  bool operator==(const InjectedBugs&) const = default;

 private:
  std::vector<InjectedBug> bugs_;
};

// Canonical names or aliases; the first unknown one fails with the message
// QEMU's enum visitor gives ("Parameter 'x-inject' does not accept value 'X'").
dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names);

}  // namespace mrm::model
