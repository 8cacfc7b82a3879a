#include "fs/core/page_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <new>

namespace diofs {
namespace {

constexpr std::size_t kPagesPerSlab = PagePool::kSlabSize / PagePool::kPageSize;

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
  // Room in both lists for every page carved, the new slab's included, so
  // that giving a page back (from destructors) can never fail.
  // Geometric, as push_back grows: reserving exactly would copy the lists at
  // every slab.
  const std::size_t capacity = (slabs_ + 1) * kPagesPerSlab;
  for (std::vector<std::byte*>* list : {&free_, &released_}) {
    if (list->capacity() < capacity) list->reserve(std::max(capacity, 2 * list->capacity()));
  }
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
  next_ = region_next_;
  slab_end_ = next_ + kSlabSize;
  region_next_ = slab_end_;
  ++slabs_;
}

void PagePool::Populate(const Runs& runs) {
  // Faults the memory in with one call per run instead of one fault (and
  // trap) per page, outside the lock: other workers may meanwhile take and
  // write its pages, which the call then finds present and leaves alone
  // (MADV_POPULATE_WRITE never changes what a page holds). Should a page
  // of the run be taken, given back and released again before the call
  // reaches it, it stays resident in the released list until taken: at
  // most a slab's worth per taker. Linux < 5.14 refuses the call (EINVAL):
  // the pages then fault one by one.
  for (std::span<std::byte> run : runs) (void)madvise(run.data(), run.size(), MADV_POPULATE_WRITE);
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
    } catch (...) {  // all or none: what was taken goes back (room reserved)
      free_.insert(free_.end(), pages.begin(), pages.begin() + static_cast<std::ptrdiff_t>(filled));
      throw;
    }
  }
  Populate(to_populate);
}

void PagePool::ReuseReleasedLocked(Runs& to_populate) {
  // The lowest released pages (released_ is taken from its back), moved in
  // their order, so that the lowest is still handed out first; the free
  // list has room for every page carved.
  const std::size_t count = std::min(released_.size(), kPagesPerSlab);
  const auto first = released_.end() - static_cast<std::ptrdiff_t>(count);
  free_.insert(free_.end(), first, released_.end());
  released_.erase(first, released_.end());
  std::vector<std::byte*> sorted(free_.end() - static_cast<std::ptrdiff_t>(count), free_.end());
  std::sort(sorted.begin(), sorted.end());
  std::size_t i = 0;
  while (i < sorted.size()) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + kPageSize) ++j;
    to_populate.emplace_back(sorted[i], (j - i) * kPageSize);
    i = j;
  }
}

std::byte* PagePool::TakeLocked(Runs& to_populate) {
  // Resident pages first, then released ones (faulted in a slab's worth at
  // a time), then a new page.
  if (free_.empty() && !released_.empty()) ReuseReleasedLocked(to_populate);
  if (!free_.empty()) {
    std::byte* page = free_.back();
    free_.pop_back();
    return page;
  }
  if (next_ == slab_end_) {
    NewSlabLocked();
    to_populate.emplace_back(next_, kSlabSize);
  }
  std::byte* page = next_;
  next_ += kPageSize;
  return page;
}

void PagePool::Give(std::byte* page) noexcept {
  std::lock_guard lock(mutex_);
  free_.push_back(page);
}

void PagePool::GiveMany(std::span<std::byte* const> pages) noexcept {
  std::lock_guard lock(mutex_);
  free_.insert(free_.end(), pages.begin(), pages.end());
}

void PagePool::Release() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return;
  // Descending, so that runs of adjacent pages are next to each other and,
  // once appended to released_ (taken from its back), the lowest addresses
  // are handed out first.
  std::sort(free_.begin(), free_.end(), std::greater<>());
  std::size_t i = 0;
  while (i < free_.size()) {
    std::size_t j = i + 1;
    while (j < free_.size() && free_[j] + kPageSize == free_[j - 1]) ++j;
    // free_[j - 1] is the lowest page of the run free_[i..j).
    (void)madvise(free_[j - 1], (j - i) * kPageSize, MADV_DONTNEED);
    i = j;
  }
  released_.insert(released_.end(), free_.begin(), free_.end());  // room reserved
  free_.clear();
}

std::size_t PagePool::free_pages() const {
  std::lock_guard lock(mutex_);
  return free_.size() + released_.size();
}

std::size_t PagePool::released_pages() const {
  std::lock_guard lock(mutex_);
  return released_.size();
}

std::size_t PagePool::slabs() const {
  std::lock_guard lock(mutex_);
  return slabs_;
}

}  // namespace diofs
