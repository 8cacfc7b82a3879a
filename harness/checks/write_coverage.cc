#include "harness/checks/write_coverage.h"

#include <algorithm>

namespace dioh::checks {

using mrm::format::RamBlockRecord;

WriteCoverage::WriteCoverage(const mrm::format::ParsedStream& stream) : blocks_(&stream.ram_blocks) {
  for (const RamBlockRecord& b : stream.ram_blocks) covered_.emplace_back(b.pages, false);
}

void WriteCoverage::Add(std::uint64_t begin, std::uint64_t end) {
  for (std::size_t i = 0; i < blocks_->size(); ++i) {
    const RamBlockRecord& b = (*blocks_)[i];
    const std::uint64_t page_size = b.header.page_size;
    const std::uint64_t region = b.header.pages_offset;
    const std::uint64_t lo = std::max(begin, region);
    const std::uint64_t hi = std::min(end, region + b.pages * page_size);
    if (page_size == 0 || lo >= hi) continue;
    const std::uint64_t first_whole = (lo - region + page_size - 1) / page_size;
    const std::uint64_t past_whole = (hi - region) / page_size;
    for (std::uint64_t page = first_whole; page < past_whole; ++page) covered_[i][page] = true;
    const std::uint64_t whole_begin = region + first_whole * page_size;
    const std::uint64_t whole_end = region + std::max(first_whole, past_whole) * page_size;
    if (lo < std::min(hi, whole_begin)) AddPartial(lo, std::min(hi, whole_begin));
    if (std::max(lo, whole_end) < hi && past_whole >= first_whole) AddPartial(std::max(lo, whole_end), hi);
  }
  if (partial_.size() > merge_at_) MergePartial();
}

bool WriteCoverage::Covered(std::size_t block, std::uint64_t page) {
  if (unmerged_) MergePartial();
  return covered_[block][page];
}

void WriteCoverage::AddPartial(std::uint64_t begin, std::uint64_t end) {
  partial_.emplace_back(begin, end);
  unmerged_ = true;
}

void WriteCoverage::MergePartial() {
  unmerged_ = false;
  std::sort(partial_.begin(), partial_.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
  for (const auto& piece : partial_) {
    if (!merged.empty() && piece.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, piece.second);
    } else {
      merged.push_back(piece);
    }
  }
  for (const auto& [begin, end] : merged) {
    for (std::size_t i = 0; i < blocks_->size(); ++i) {
      const RamBlockRecord& b = (*blocks_)[i];
      const std::uint64_t page_size = b.header.page_size;
      const std::uint64_t region = b.header.pages_offset;
      if (page_size == 0 || begin >= region + b.pages * page_size || end <= region) continue;
      const std::uint64_t lo = std::max(begin, region);
      const std::uint64_t hi = std::min(end, region + b.pages * page_size);
      for (std::uint64_t page = (lo - region + page_size - 1) / page_size; page < (hi - region) / page_size; ++page) {
        covered_[i][page] = true;
      }
    }
  }
  partial_ = std::move(merged);
  merge_at_ = std::max<std::size_t>(1u << 16, 2 * partial_.size());
}

}  // namespace dioh::checks
