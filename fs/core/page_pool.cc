#include "fs/core/page_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>

namespace diofs {
namespace {

constexpr std::size_t kPagesPerSlab = PagePool::kSlabSize / PagePool::kPageSize;

// The free list's link, kept in a free page's first bytes (memcpy: the page
// held a MemFile::Page a moment before).
std::byte* NextFree(const std::byte* page) {
  std::byte* next = nullptr;
  std::memcpy(&next, page, sizeof next);
  return next;
}

}  // namespace

PagePool& PagePool::Shared() {
  // Never destroyed: pages of files still open at exit are never given back.
  static PagePool* const pool = new PagePool();
  return *pool;
}

PagePool::~PagePool() {
  for (std::byte* region : regions_) munmap(region, kRegionSize);
}

void PagePool::NewSlabLocked() {
  if (region_next_ == region_end_) {
    regions_.reserve(regions_.size() + 1);
    void* raw = mmap(nullptr, kRegionSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    auto* region = static_cast<std::byte*>(raw);
    // 4 KiB faults, whatever the system's THP setting (page_pool.h says why).
    (void)madvise(region, kRegionSize, MADV_NOHUGEPAGE);
    regions_.push_back(region);
    region_next_ = region;
    region_end_ = region + kRegionSize;
  }
  next_ = {region_next_, kPagesPerSlab};
  from_released_ = false;
  region_next_ += kSlabSize;
  ++slabs_;
}

void PagePool::Populate(const Runs& runs) {
  // Faults the memory in with one call per run instead of one fault (and
  // trap) per page, outside the lock: other workers may meanwhile take and
  // write its pages, which the call then finds present and leaves alone
  // (MADV_POPULATE_WRITE never changes what a page holds). Should a page
  // of the run be taken, given back and released again before the call
  // reaches it, it stays resident in a released run until taken: at most
  // a slab's worth per taker. Linux < 5.14 refuses the call (EINVAL): the
  // pages then fault one by one.
  for (const Range& run : runs) (void)madvise(run.first, run.pages * kPageSize, MADV_POPULATE_WRITE);
}

std::byte* PagePool::Take() {
  Runs to_populate;
  std::byte* page = nullptr;
  {
    std::lock_guard lock(mutex_);
    page = TakeLocked(to_populate);
  }
  Populate(to_populate);
  return page;
}

void PagePool::TakeMany(std::span<std::byte*> pages) {
  Runs to_populate;
  {
    std::lock_guard lock(mutex_);
    std::size_t filled = 0;
    try {
      for (; filled < pages.size(); ++filled) pages[filled] = TakeLocked(to_populate);
    } catch (...) {  // all or none: what was taken goes back
      for (std::size_t i = 0; i < filled; ++i) PushFreeLocked(pages[i]);
      throw;
    }
  }
  Populate(to_populate);
}

std::byte* PagePool::TakeLocked(Runs& to_populate) {
  // Resident pages first, then the range being handed out, then a slab's
  // worth of the lowest released run (faulted in by the taker), then a
  // new slab.
  if (free_head_ != nullptr) {
    std::byte* page = free_head_;
    free_head_ = NextFree(page);
    --free_count_;
    return page;
  }
  if (next_.pages == 0) {
    to_populate.reserve(to_populate.size() + 1);  // may throw: nothing moved yet
    if (!released_.empty()) {
      Range& lowest = released_.back();
      const std::size_t pages = std::min(lowest.pages, kPagesPerSlab);
      next_ = {lowest.first, pages};
      from_released_ = true;
      lowest.first += pages * kPageSize;
      lowest.pages -= pages;
      released_count_ -= pages;
      if (lowest.pages == 0) released_.pop_back();
    } else {
      NewSlabLocked();
    }
    to_populate.push_back(next_);  // room reserved
  }
  std::byte* page = next_.first;
  next_.first += kPageSize;
  --next_.pages;
  return page;
}

void PagePool::PushFreeLocked(std::byte* page) noexcept {
  std::memcpy(page, &free_head_, sizeof free_head_);
  free_head_ = page;
  ++free_count_;
}

void PagePool::Give(std::byte* page) noexcept {
  std::lock_guard lock(mutex_);
  PushFreeLocked(page);
}

void PagePool::GiveMany(std::span<std::byte* const> pages) noexcept {
  std::lock_guard lock(mutex_);
  for (std::byte* page : pages) PushFreeLocked(page);
}

void PagePool::Release() noexcept {
  std::lock_guard lock(mutex_);
  if (free_head_ == nullptr) return;
  // The free pages' addresses, sorted, in scratch memory of its own: a
  // megabyte from malloc (per 512 MiB freed) would raise glibc's mmap
  // threshold when freed, and the workers' arenas then kept 2 MiB more
  // after five rounds of writing and deleting 512 MiB.
  const std::size_t scratch_bytes = free_count_ * sizeof(std::byte*);
  void* scratch = mmap(nullptr, scratch_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (scratch == MAP_FAILED) return;  // the pages stay free and resident
  const std::span<std::byte*> pages(static_cast<std::byte**>(scratch), free_count_);
  std::size_t n = 0;
  for (std::byte* page = free_head_; page != nullptr; page = NextFree(page)) pages[n++] = page;
  // Descending, so that the runs appended to released_ (taken from its
  // back) hand out the lowest addresses first.
  std::sort(pages.begin(), pages.end(), std::greater<>());
  const auto for_each_run = [&pages](auto&& visit) {
    std::size_t i = 0;
    while (i < pages.size()) {
      std::size_t j = i + 1;
      while (j < pages.size() && pages[j] + kPageSize == pages[j - 1]) ++j;
      visit(Range{pages[j - 1], j - i});  // pages[j - 1] is the run's lowest page
      i = j;
    }
  };
  std::size_t runs = 0;
  for_each_run([&runs](const Range&) { ++runs; });
  bool room = true;
  try {
    released_.reserve(released_.size() + runs);
  } catch (const std::bad_alloc&) {
    room = false;  // the pages stay free and resident
  }
  if (room) {
    for_each_run([this](const Range& run) {
      (void)madvise(run.first, run.pages * kPageSize, MADV_DONTNEED);
      released_.push_back(run);  // room reserved
    });
    released_count_ += free_count_;
    free_head_ = nullptr;
    free_count_ = 0;
  }
  munmap(scratch, scratch_bytes);
}

std::size_t PagePool::free_pages() const {
  std::lock_guard lock(mutex_);
  return free_count_ + released_count_ + (from_released_ ? next_.pages : 0);
}

std::size_t PagePool::released_pages() const {
  std::lock_guard lock(mutex_);
  return released_count_;
}

std::size_t PagePool::slabs() const {
  std::lock_guard lock(mutex_);
  return slabs_;
}

}  // namespace diofs
