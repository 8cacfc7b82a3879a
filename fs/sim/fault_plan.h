// FaultPlan: seeded, counted fault rules (in the manner of RocksDB's
// FaultInjectionTestFS, unreliablefs and dm-flakey), decided without a mount.
//
// A rule matches operations (op kinds, path glob, O_DIRECT or not, offset
// range), fires on a trigger (nth match, every nth, once N bytes matched, or
// a seeded probability), and names an action (errno, short transfer, torn
// write, delay, bit corruption). The storage layer asks Decide() for every
// operation and applies the action; each firing is counted per rule.
// fs/sim/FAULTS.md documents the JSON form.
//
// Determinism: every choice is a function of (seed, rule, match ordinal), so
// the same seed and the same sequence of operations fire at the same
// operations, run after run.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/core/op_event.h"

namespace diofs::sim {

enum class Trigger : std::uint8_t { kAlways, kNth, kEveryNth, kAfterBytes, kProbability };
enum class Action : std::uint8_t { kErrno, kShort, kTorn, kDelay, kCorrupt };
enum class CorruptWhen : std::uint8_t { kOnWrite, kOnRead };

struct FaultRule {
  std::string name;                     // reported in the op log; defaults to "rule<i>"
  std::vector<OpKind> ops;              // empty: any data or metadata op
  std::string path_glob;                // fnmatch(3), FNM_PATHNAME; empty: any path
  std::optional<bool> direct;           // O_DIRECT in force, or not; unset: either
  std::uint64_t offset_begin = 0;       // [offset_begin, offset_end) must overlap the I/O
  std::uint64_t offset_end = UINT64_MAX;

  Trigger trigger = Trigger::kAlways;
  std::uint64_t trigger_n = 0;          // nth, every nth, or bytes
  double probability = 0;
  std::uint64_t max_hits = 0;           // 0: unlimited

  Action action = Action::kErrno;
  int error = 0;                        // kErrno, and kTorn with fail_after_tear
  std::uint64_t bytes = 0;              // kShort: bytes transferred; kTorn: bytes persisted
  bool fail_after_tear = true;          // kTorn: fail with `error` (EIO) or claim success
  std::uint64_t delay_ns = 0;           // kDelay
  CorruptWhen corrupt_when = CorruptWhen::kOnWrite;
  std::uint32_t flip_bits = 1;          // kCorrupt
};

// What the storage layer needs to know about one operation.
struct FaultQuery {
  OpKind op = OpKind::kWrite;
  std::string_view path;
  bool direct = false;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// A fired rule, for the caller to apply.
struct FaultDecision {
  const FaultRule* rule = nullptr;  // valid while the plan that made it lives
  std::size_t rule_index = 0;
  std::uint64_t ordinal = 0;        // this rule's match count at the firing (1-based)
  std::uint64_t seed = 0;           // for seeded corruption: Mix64(plan seed, rule, ordinal)
};

class FaultPlan {
 public:
  // Parses and validates the JSON form. On error nothing is returned and the
  // message names the rule and field ("rule 2 (\"eio\"): unknown op 'wrte'").
  static dioh::Result<std::shared_ptr<FaultPlan>> Parse(std::string_view json);
  static std::shared_ptr<FaultPlan> Empty();

  // The first rule that fires for `query`, if any. Thread-safe, lock-free.
  std::optional<FaultDecision> Decide(const FaultQuery& query);

  // The rules with their match and hit counts, as JSON (what /.diofs/faults reads).
  std::string ToJson() const;
  std::uint64_t hits(std::size_t rule_index) const;
  std::size_t size() const { return rules_.size(); }
  std::uint64_t seed() const { return seed_; }

 private:
  struct Counters {
    std::atomic<std::uint64_t> matched{0};
    std::atomic<std::uint64_t> matched_bytes{0};
    std::atomic<std::uint64_t> hits{0};
  };
  FaultPlan(std::uint64_t seed, std::vector<FaultRule> rules);
  bool Fires(std::size_t i, std::uint64_t ordinal, std::uint64_t bytes_before,
             std::uint64_t length) const;

  const std::uint64_t seed_;
  const std::vector<FaultRule> rules_;
  std::unique_ptr<Counters[]> counters_;
};

// Flips `bits` seeded bit positions of `data` (corruption action).
void FlipBits(std::uint8_t* data, std::size_t size, std::uint32_t bits, std::uint64_t seed);

// "EIO" -> EIO; the names a rule may use.
std::optional<int> ErrnoFromName(std::string_view name);
std::string_view OpKindName(OpKind kind);
std::optional<OpKind> OpKindFromName(std::string_view name);

}  // namespace diofs::sim
