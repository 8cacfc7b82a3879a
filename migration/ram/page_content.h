// Deterministic guest RAM content: every page of every block at every pass
// is a function of (seed, idstr, page, pass), so a loader, the harness or any
// other checker can recompute what a page must hold without the source.
//
// Pass 0 fills every page. At pass p >= 1 a page is dirtied with probability
// dirty_fraction; a dirtied page gets a new version whose zero/data choice is
// drawn again, so pages go data -> zero (and zero -> data) between passes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace mrm::ram {

inline constexpr uint64_t kPageSize = 4096;

struct ContentSpec {
  uint64_t seed = 1;
  double zero_fraction = 0.5;   // share of zero pages in each version
  double dirty_fraction = 0.0;  // share of pages rewritten at each pass >= 1
};

// True if `page` of `idstr` is rewritten at `pass` (always at pass 0).
bool IsDirtiedAt(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass);

// The pass whose version of the page is current after `pass` completed.
uint32_t CurrentVersion(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass);

// Is version `version` of the page all zero?
bool IsZeroVersion(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t version);

// Writes the page's content after `pass` into out[0, kPageSize).
void FillExpectedPage(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass, uint8_t* out);

// OK if `actual` (kPageSize bytes) is what the page holds after `pass`;
// otherwise an error naming the block, the page and the first differing byte.
dioh::Status VerifyPage(const ContentSpec& spec, std::string_view idstr, uint64_t page, uint32_t pass,
                        const uint8_t* actual);

}  // namespace mrm::ram
