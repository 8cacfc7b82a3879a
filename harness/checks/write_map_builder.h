// The write map of one run (harness/report/write_map.h) built from the same
// input as the checks: the save's writes and the load's reads (dashed) on the
// migration file, one colour per channel, each block's pages region and the
// prefix before offset= shaded, and in red every operation diofs flagged or a
// failed check named.
#pragma once

#include <string>
#include <vector>

#include "harness/checks/checks.h"
#include "harness/report/write_map.h"

namespace dioh {

// Channels: "main" (index 0, the main handle's operations), then "channel 1"
// .. "channel N", the other threads of a side in the order of their first
// transfer. The load's k-th channel thread shares "channel k" with the
// save's: a role, drawn in the same colour; its reads are dashed.
// Ordinary operations beyond `sample_budget` are sampled (WriteMapSample):
// every violation is drawn, and the map's memory is bounded whatever the log's length.
WriteMap BuildWriteMap(const CheckInput& input, const std::vector<CheckResult>& results, std::string title,
                       std::uint64_t sample_budget = kWriteMapSampleBudget);

}  // namespace dioh
