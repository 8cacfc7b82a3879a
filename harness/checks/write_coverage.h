// WriteCoverage: which pages of a mapped-ram file's blocks a save's writes
// covered, gathered one write at a time (bitmap-matches-pages without a RAM
// model): one bit per page (1/32768 of the guest at 4 KiB pages), plus the
// pieces of pages that writes covered only in part (rare: QEMU writes whole
// pages), merged whenever they pile up. A page is covered when the union of
// the writes covers all of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "migration/format/stream_parser.h"

namespace dioh::checks {

class WriteCoverage {
 public:
  // `stream` must outlive the coverage.
  explicit WriteCoverage(const mrm::format::ParsedStream& stream);

  // A write that put [begin, end) on the file.
  void Add(std::uint64_t begin, std::uint64_t end);
  // After the writes: whether page `page` of block `block` (an index into
  // stream.ram_blocks) lies inside them.
  bool Covered(std::size_t block, std::uint64_t page);
  // Partial pieces held (for tests of the merging).
  std::size_t partial_pieces() const { return partial_.size(); }

 private:
  void AddPartial(std::uint64_t begin, std::uint64_t end);
  // Merges the partial pieces; pages they now cover whole get their bit. The
  // merged pieces are kept: a later write may complete their edge pages.
  void MergePartial();

  const std::vector<mrm::format::RamBlockRecord>* blocks_;
  std::vector<std::vector<bool>> covered_;  // per block, per page
  std::vector<std::pair<std::uint64_t, std::uint64_t>> partial_;
  std::size_t merge_at_ = 1u << 16;
  bool unmerged_ = false;  // pieces added since the last merge
};

}  // namespace dioh::checks
