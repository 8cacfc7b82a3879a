// MemFile: the data of one file of the mem backend — a sparse map of 4 KiB
// pages; a page that was never written, or was punched, is a hole and reads
// as zeros. One reader-writer lock per file: transfers to different files
// never contend.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <unordered_map>

#include "fs/core/backend.h"

namespace diofs {

// The pages every file of one mem backend may hold (--capacity). Lock-free.
class PageBudget {
 public:
  explicit PageBudget(std::uint64_t limit_pages) : limit_(limit_pages) {}  // 0: unlimited
  bool TryTake(std::uint64_t pages);
  void Give(std::uint64_t pages) { used_.fetch_sub(pages, std::memory_order_relaxed); }
  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  std::uint64_t limit() const { return limit_; }

 private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
};

class MemFile {
 public:
  static constexpr std::size_t kPageSize = 4096;

  explicit MemFile(std::shared_ptr<PageBudget> budget = std::make_shared<PageBudget>(0)) : budget_(std::move(budget)) {}
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  std::size_t ReadAt(std::uint64_t offset, std::span<std::byte> out) const;
  // Fails with ENOSPC, writing nothing, when the new pages it needs exceed the budget.
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data);
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length);
  void Resize(std::uint64_t size);

  std::uint64_t size() const { return size_.load(std::memory_order_acquire); }
  std::uint64_t allocated_pages() const;

 private:
  using Page = std::array<std::byte, kPageSize>;
  // Zeroes [offset, offset + length): whole pages are dropped, partial ones cleared.
  void ZeroRangeLocked(std::uint64_t offset, std::uint64_t length);
  void DropRangeLocked(std::uint64_t offset, std::uint64_t length);  // ZeroRangeLocked without the budget

  std::shared_ptr<PageBudget> budget_;
  mutable std::shared_mutex mutex_;  // guards pages_ and size_ changes
  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
  std::atomic<std::uint64_t> size_{0};
};

}  // namespace diofs
