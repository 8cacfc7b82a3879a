// PagePool: the 4 KiB pages of the mem backend's files, carved from 2 MiB
// slabs of anonymous memory instead of taken one by one from malloc.
//
// Why: a 4 KiB O_DIRECT write to a page that did not exist cost diofs about
// 5 us before it copied a byte (malloc of a 4 KiB block in a worker's arena:
// the arena grows by mprotect, each block straddles two pages that fault one
// at a time), against 1.5 us to overwrite a page; libfuse's passthrough over
// tmpfs allocates in the kernel. Here a page costs a pointer bump or a pop
// from a free list. A new slab is faulted in whole by one call
// (MADV_POPULATE_WRITE) by the thread that carved it, after it let go of the
// pool's lock: a fault per page cost a trap each, and in MemFile alone a
// first write to a page of a fresh slab took 1.8-2.2 us populated against
// 3.3-5.6 us faulting (two runs each). Slabs are cut from 64 MiB regions,
// so that the mappings stay few (vm.max_map_count).
//
// No huge pages (MADV_NOHUGEPAGE on every region, whatever the system's THP
// setting): a huge page comes from a free 2 MiB block, and where a virtual
// machine reports its free memory to the host (virtio free page reporting,
// page_reporting_order 9) such a block is one the host must back again. On
// the 2-CPU VM where diofs is tested, the first touch of fresh huge-page
// memory cost 25-36 us per 4 KiB (4.5-7.6 on other days) against 1.6-5.7 us
// with 4 KiB faults, which the kernel serves from pages freed a moment
// before; the paired benchmark of 4 KiB appends from 4 threads gave 0.59 and
// 0.76 of passthrough_ll with huge pages, 0.96 and 0.97 without.
//
// Memory goes back: a page given back waits in the free list (resident, for
// the next write), linked through its own first bytes, so that the pool
// keeps no list that grows with the pages it ever carved. Release() returns
// the pages given back since the last Release() to the system
// (MADV_DONTNEED on each run of adjacent pages; the runs are what it
// keeps): the rule malloc_trim(3) followed before. Besides pages in use,
// what stays resident is the unused rest of the slab being handed out (at
// most 2 MiB). Released pages keep their addresses and read as zeros;
// resident pages are handed out first (the free list, then the rest of
// that slab). When none is left, the taker takes up to a slab's worth of
// the lowest released run and faults it in with one call, as for a new
// slab: a page faulted in on its first write costs a trap, and every save
// on a mount after its first writes released pages only. 1 GiB saves, 12
// interleaved rounds on one mount each: 1.77 s median against 1.95 s
// faulting page by page (0.657 of tmpfs against 0.601). Regions are never
// unmapped: what stays is address space, not memory.
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
  // Pages in use are untouched. Never throws: should it find no memory for
  // its scratch or its list of runs, the pages stay free and resident.
  void Release() noexcept;

  std::size_t free_pages() const;      // given back, resident or released
  std::size_t released_pages() const;  // of those, released
  std::size_t slabs() const;           // slabs carved so far

 private:
  // Adjacent pages: a released run, a slab, the range being handed out.
  struct Range {
    std::byte* first = nullptr;
    std::size_t pages = 0;
  };
  // Memory the taker faults in after the lock (Populate): a new slab, or a
  // slab's worth of a released run.
  using Runs = std::vector<Range>;
  void NewSlabLocked();
  std::byte* TakeLocked(Runs& to_populate);
  void PushFreeLocked(std::byte* page) noexcept;
  static void Populate(const Runs& runs);

  // Lock order: a MemFile's locks, then mutex_ (the pool calls nothing outside).
  mutable std::mutex mutex_;
  // Given back since the last Release (resident): each page holds the
  // address of the next in its first bytes.
  std::byte* free_head_ = nullptr;
  std::size_t free_count_ = 0;
  // Given back to the system, reusable: runs in descending address order
  // within each Release, taken from the back (the lowest first).
  std::vector<Range> released_;
  std::size_t released_count_ = 0;
  // Pages handed out one after the other: the rest of the newest slab, or
  // of the slab's worth taken from a released run. `from_released_` says
  // which, for free_pages().
  Range next_;
  bool from_released_ = false;
  std::vector<std::byte*> regions_;   // each kRegionSize
  std::size_t slabs_ = 0;
  std::byte* region_next_ = nullptr;  // the next slab of the newest region
  std::byte* region_end_ = nullptr;
};

}  // namespace diofs
