// OpCounters: the counters behind /.diofs/stats, kept by observing every
// operation (the same events the op log records). Lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "fs/core/op_event.h"

namespace diofs {

class OpCounters final : public OpObserver {
 public:
  void OnOp(const OpEvent& event) override;

  struct Snapshot {
    std::array<std::uint64_t, 32> ops{};     // by OpKind value
    std::array<std::uint64_t, 32> failed{};  // result < 0, by OpKind value
    std::uint64_t direct_reads = 0, direct_writes = 0, buffered_reads = 0, buffered_writes = 0;
    std::uint64_t bytes_read = 0, bytes_written = 0;
    std::array<std::uint64_t, 8> rejected{};  // by Rule value
    std::array<std::uint64_t, 8> recorded{};  // by Rule value
  };
  Snapshot Read() const;
  // One JSON object: {"ops":{"write":N,...},"failed":{...},"direct_writes":N,...,
  // "violations":{"rejected":{"offset_align":N,...},"recorded":{...}}}.
  std::string ToJson() const;

 private:
  template <std::size_t N>
  using Counters = std::array<std::atomic<std::uint64_t>, N>;
  Counters<32> ops_{};
  Counters<32> failed_{};
  std::atomic<std::uint64_t> direct_reads_{0}, direct_writes_{0}, buffered_reads_{0}, buffered_writes_{0};
  std::atomic<std::uint64_t> bytes_read_{0}, bytes_written_{0};
  Counters<8> rejected_{};
  Counters<8> recorded_{};
};

}  // namespace diofs
