// A nesting limit for JSON from outside: nlohmann's DOM recurses to dump,
// compare and walk what it parsed, so a 100 000-deep array from a file or a
// socket would overflow the stack. Checked on the text, before parsing.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status/status.h"

namespace dioh {

// QEMU's JSON parser allows 1024 levels (qobject/json-streamer.c,
// MAX_NESTING); nothing the project reads needs more than a handful.
inline constexpr std::size_t kMaxJsonNesting = 64;

// EINVAL naming the byte offset where `text` opens more than `max_depth`
// arrays and objects at once (brackets inside strings do not count).
Status CheckJsonNesting(std::string_view text, std::size_t max_depth = kMaxJsonNesting);

}  // namespace dioh
