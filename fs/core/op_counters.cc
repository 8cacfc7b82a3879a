#include "fs/core/op_counters.h"

#include <fcntl.h>

#include <nlohmann/json.hpp>

#include "fs/core/op_names.h"

namespace diofs {

void OpCounters::OnOp(const OpEvent& event) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  const auto kind = static_cast<std::size_t>(event.kind) % ops_.size();
  ops_[kind].fetch_add(1, kRelaxed);
  if (event.result < 0) failed_[kind].fetch_add(1, kRelaxed);
  const bool direct = (event.flags & O_DIRECT) != 0;
  if (event.kind == OpKind::kRead) {
    (direct ? direct_reads_ : buffered_reads_).fetch_add(1, kRelaxed);
    if (event.result > 0) bytes_read_.fetch_add(static_cast<std::uint64_t>(event.result), kRelaxed);
  } else if (event.kind == OpKind::kWrite) {
    (direct ? direct_writes_ : buffered_writes_).fetch_add(1, kRelaxed);
    if (event.result > 0) bytes_written_.fetch_add(static_cast<std::uint64_t>(event.result), kRelaxed);
  }
  const auto rule = static_cast<std::size_t>(event.rule) % rejected_.size();
  if (event.verdict == Verdict::kRejected) rejected_[rule].fetch_add(1, kRelaxed);
  if (event.verdict == Verdict::kRecorded) recorded_[rule].fetch_add(1, kRelaxed);
}

OpCounters::Snapshot OpCounters::Read() const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  Snapshot s;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    s.ops[i] = ops_[i].load(kRelaxed);
    s.failed[i] = failed_[i].load(kRelaxed);
  }
  for (std::size_t i = 0; i < rejected_.size(); ++i) {
    s.rejected[i] = rejected_[i].load(kRelaxed);
    s.recorded[i] = recorded_[i].load(kRelaxed);
  }
  s.direct_reads = direct_reads_.load(kRelaxed);
  s.direct_writes = direct_writes_.load(kRelaxed);
  s.buffered_reads = buffered_reads_.load(kRelaxed);
  s.buffered_writes = buffered_writes_.load(kRelaxed);
  s.bytes_read = bytes_read_.load(kRelaxed);
  s.bytes_written = bytes_written_.load(kRelaxed);
  return s;
}

std::string OpCounters::ToJson() const {
  const Snapshot s = Read();
  nlohmann::json ops = nlohmann::json::object(), failed = nlohmann::json::object();
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    if (s.ops[i] == 0) continue;
    const std::string name(OpKindName(static_cast<OpKind>(i)));
    ops[name] = s.ops[i];
    failed[name] = s.failed[i];
  }
  nlohmann::json rejected = nlohmann::json::object(), recorded = nlohmann::json::object();
  for (std::size_t i = 1; i <= static_cast<std::size_t>(Rule::kODirectUnsupported); ++i) {
    const std::string name(RuleName(static_cast<Rule>(i)));
    rejected[name] = s.rejected[i];
    recorded[name] = s.recorded[i];
  }
  const nlohmann::json j = {
      {"ops", ops},
      {"failed", failed},
      {"direct_reads", s.direct_reads},
      {"direct_writes", s.direct_writes},
      {"buffered_reads", s.buffered_reads},
      {"buffered_writes", s.buffered_writes},
      {"bytes_read", s.bytes_read},
      {"bytes_written", s.bytes_written},
      {"violations", {{"rejected", rejected}, {"recorded", recorded}}},
  };
  return j.dump();
}

}  // namespace diofs
