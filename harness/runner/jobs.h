// Jobs: the (scenario, profile) runs a command is made of, and how CI spreads
// them over runners (--shard i/N). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "harness/scenario/scenario.h"

namespace dioh {

// One run: a scenario on one profile, with the outcome it must end in.
struct Job {
  Scenario scenario;  // scenario.diofs.profile is the profile it runs on
  ExpectedOutcome expected;
  std::string id;     // "fallback-no-mapped-ram@strict-4k": unique within a command
};

// A scenario as written: its own profile, its own `expect` (derived from
// that profile's rules when absent).
Result<Job> JobFromScenario(const Scenario& scenario);

// `dioharness matrix`: every scenario marked "matrix": true × every profile
// preset, in (scenario, profile) order; the expected outcome of each derived
// from the profile's rules (DeriveExpectedOutcome), never hand-listed.
std::vector<Job> MatrixJobs(const std::vector<Scenario>& scenarios);

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
  std::string ToString() const { return std::to_string(index) + "/" + std::to_string(count); }
};
// "i/N" with 1 <= i <= N.
Result<Shard> ParseShard(std::string_view text);
// The jobs shard i of N runs: every N-th job starting at the i-th, so each
// shard gets a similar mix and the shards together run every job once.
template <typename T>
std::vector<T> SelectShard(const std::vector<T>& all, const Shard& shard) {
  std::vector<T> mine;
  for (std::size_t i = shard.index - 1; i < all.size(); i += shard.count) mine.push_back(all[i]);
  return mine;
}

}  // namespace dioh
