// x-inject: named mistakes the engine reproduces on purpose so that the
// harness can prove it catches them. Several are QEMU's historical bugs.
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace mrm::channel {

enum class InjectedBug {
  kUnalignedPagesOffset,     // pages regions rounded to the page size, not 1 MiB
  kRelativeRounding,         // 1 MiB rounding relative to the file: offset, not absolute
  kOdirectMainChannel,       // the main channel opened with O_DIRECT
  kUngatedDirectIo,          // O_DIRECT whenever direct-io is set, even without multifd
  kSilentBufferedFallback,   // direct-io effective but the channels open buffered
  kMisalignedPageBuffers,    // guest pages at +8 bytes from page alignment
  kBitmapViaOdirectChannel,  // the bitmap written through an O_DIRECT multifd channel
  kZeroPagesInBitmap,        // data->zero pages keep their bit (QEMU's bug)
  kTruncatePrefix,           // O_TRUNC on the outgoing open wipes bytes before offset= (QEMU's bug)
  kIgnoreShortWrites,        // a short pwritev on a channel is not noticed (QEMU's behaviour)
  kCount,
};

class InjectedBugs {
 public:
  bool has(InjectedBug bug) const { return bits_.test(static_cast<size_t>(bug)); }
  void add(InjectedBug bug) { bits_.set(static_cast<size_t>(bug)); }
  bool empty() const { return bits_.none(); }
  std::vector<std::string> Names() const;

 private:
  std::bitset<static_cast<size_t>(InjectedBug::kCount)> bits_;
};

// Canonical name of a bug ("unaligned-pages-offset", ...).
const char* InjectedBugName(InjectedBug bug);
// Accepts the canonical names and the aliases (direct-main-channel,
// buffered-channels, misaligned-buffers, bitmap-via-direct-channel, stale-zero-bits).
dioh::Result<InjectedBug> ParseInjectedBug(std::string_view name);
dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names);

}  // namespace mrm::channel
