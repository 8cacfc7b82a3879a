// MemFile: the data of one file of the mem backend — a sparse map of 4 KiB
// pages (taken from PagePool::Shared()); a page that was never written, or
// was punched, is a hole and reads as zeros. The page map is split into
// shards by 1 MiB chunk, each with its own lock, so that transfers to
// different chunks of one file (multifd channels writing one migration
// file) do not serialize; changes of size and punched ranges take the
// whole file.
#pragma once

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
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
  // With `xxh3`, also sets it to XXH3_64bits(data), computed while copying (PayloadCopier).
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data,
                                    std::optional<std::uint64_t>* xxh3 = nullptr);
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length);
  void Resize(std::uint64_t size);

  std::uint64_t size() const { return size_.load(std::memory_order_acquire); }
  std::uint64_t allocated_pages() const;

 private:
  using Page = std::array<std::byte, kPageSize>;
  // A page lives in PagePool::Shared() and goes back there.
  struct PageReturn {
    void operator()(Page* page) const;
  };
  using PagePtr = std::unique_ptr<Page, PageReturn>;
  class NewPages;  // the new pages of one write, taken from the pool at once
  static constexpr std::size_t kShards = 64;
  static constexpr std::uint64_t kPagesPerChunk = 256;  // 1 MiB: one max_write transfer
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, PagePtr> pages;
  };
  class ShardLocks;  // the shards of a page range, locked in ascending order

  static std::size_t ShardOf(std::uint64_t page) { return (page / kPagesPerChunk) % kShards; }
  Page* FindLocked(std::uint64_t page) const;
  // Zeroes [offset, offset + length): whole pages are dropped, partial ones cleared.
  void ZeroRangeLocked(std::uint64_t offset, std::uint64_t length);
  void DropRangeLocked(std::uint64_t offset, std::uint64_t length);  // ZeroRangeLocked without the budget

  std::shared_ptr<PageBudget> budget_;
  // Lock order: mutex_, then shard locks in ascending shard order. Shared by
  // transfers (which then lock their shards), exclusive for size changes and
  // punching (which then touch every shard without their locks).
  mutable std::shared_mutex mutex_;
  mutable std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> page_count_{0};  // pages in every shard
  std::atomic<std::uint64_t> size_{0};
};

}  // namespace diofs
