// Parsing of sizes ("4096", "64K", "200M", "1G": binary multiples) and
// durations ("250ns", "80us", "8ms", "1s"), as given on the command line and
// in fault rules. Errors name the text that did not parse.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status/status.h"

namespace diofs::sim {

dioh::Result<std::uint64_t> ParseSize(std::string_view text);
dioh::Result<std::uint64_t> ParseDurationNs(std::string_view text);

}  // namespace diofs::sim
