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

void PagePool::Populate(std::span<std::byte* const> slabs) {
  // Faults the slab's pages in with one call instead of one fault (and
  // trap) per page, outside the lock: other workers may meanwhile take and
  // write its pages, which the call then finds present and leaves alone.
  // Linux < 5.14 refuses it (EINVAL): the pages then fault one by one.
  for (std::byte* slab : slabs) (void)madvise(slab, kSlabSize, MADV_POPULATE_WRITE);
}

std::byte* PagePool::Take() {
  std::vector<std::byte*> carved;
  std::byte* page = nullptr;
  {
    std::lock_guard lock(mutex_);
    page = TakeLocked(carved);
  }
  Populate(carved);
  return page;
}

void PagePool::TakeMany(std::span<std::byte*> pages) {
  std::vector<std::byte*> carved;
  {
    std::lock_guard lock(mutex_);
    std::size_t filled = 0;
    try {
      for (; filled < pages.size(); ++filled) pages[filled] = TakeLocked(carved);
    } catch (...) {  // all or none: what was taken goes back (room reserved)
      free_.insert(free_.end(), pages.begin(), pages.begin() + static_cast<std::ptrdiff_t>(filled));
      throw;
    }
  }
  Populate(carved);
}

std::byte* PagePool::TakeLocked(std::vector<std::byte*>& carved) {
  // Resident pages first, then released ones, then a new page.
  for (std::vector<std::byte*>* list : {&free_, &released_}) {
    if (!list->empty()) {
      std::byte* page = list->back();
      list->pop_back();
      return page;
    }
  }
  if (next_ == slab_end_) {
    NewSlabLocked();
    carved.push_back(next_);
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
