// PagePool: the 4 KiB pages of the mem backend's files, carved from 2 MiB
// slabs of anonymous memory instead of taken one by one from malloc.
//
// Why: a 4 KiB O_DIRECT write to a page that did not exist cost diofs about
// 5 us before it copied a byte (malloc of a 4 KiB block in a worker's arena:
// the arena grows by mprotect, each block straddles two pages that fault one
// at a time), against 1.5 us to overwrite a page; libfuse's passthrough over
// tmpfs allocates in the kernel. Slabs are asked to be transparent huge
// pages (MADV_HUGEPAGE; where the kernel grants one, a single fault maps 512
// pages: 0.45 us a page here against 1.8 us for 4 KiB faults), and a page
// costs a pointer bump or a pop from a free list. Slabs are cut from 64 MiB
// regions, so that the mappings stay few (vm.max_map_count).
//
// Memory goes back: a page given back waits in the free list (resident, for
// the next write); Release() returns the pages given back since the last
// Release() to the system (MADV_DONTNEED on each run of adjacent pages),
// the rule malloc_trim(3) followed before. Their slabs stop asking for huge
// pages first (khugepaged would otherwise fill a huge page around the
// pages still in use). The resident set drops at once; where part of a huge
// page was released, the kernel frees that part when it needs memory
// (deferred split). Released pages keep their addresses, read as zeros and
// fault in again when written; resident free pages are handed out first.
// Regions are never unmapped: what stays is address space, not memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace diofs {

class PagePool {
 public:
  static constexpr std::size_t kPageSize = 4096;
  static constexpr std::size_t kSlabSize = 2u << 20;
  static constexpr std::size_t kRegionSize = 64u << 20;

  // The pool of the process: every MemFile takes its pages here.
  static PagePool& Shared();

  PagePool() = default;
  PagePool(const PagePool&) = delete;
  PagePool& operator=(const PagePool&) = delete;
  ~PagePool();  // unmaps the regions: only for a pool whose pages are all back

  // A page, aligned to 4 KiB, its content unspecified (zeros if never used
  // or released). Throws std::bad_alloc when no region can be mapped, as new does.
  std::byte* Take();
  // Fills `pages` under one lock: a 1 MiB write of new pages from 4 threads
  // takes the lock once, not 256 times. All or none: on bad_alloc, nothing
  // was taken.
  void TakeMany(std::span<std::byte*> pages);
  // Back to the free list; each page must come from this pool. Never
  // throws: the lists have room for every page the pool has carved.
  void Give(std::byte* page) noexcept;
  void GiveMany(std::span<std::byte* const> pages) noexcept;
  // Returns the pages given back since the last Release to the system.
  // Pages in use are untouched.
  void Release();

  std::size_t free_pages() const;      // given back, resident or released
  std::size_t released_pages() const;  // of those, released
  std::size_t slabs() const;           // slabs carved so far

 private:
  void NewSlabLocked();
  std::byte* TakeLocked();

  // Lock order: a MemFile's locks, then mutex_ (the pool calls nothing outside).
  mutable std::mutex mutex_;
  std::vector<std::byte*> free_;      // given back since the last Release (resident)
  std::vector<std::byte*> released_;  // given back to the system, reusable
  std::vector<std::byte*> regions_;   // each kRegionSize, aligned to kSlabSize
  std::size_t slabs_ = 0;
  std::byte* next_ = nullptr;         // the next never-used page of the newest slab
  std::byte* slab_end_ = nullptr;
  std::byte* region_next_ = nullptr;  // the next slab of the newest region
  std::byte* region_end_ = nullptr;
};

}  // namespace diofs
