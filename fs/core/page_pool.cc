#include "fs/core/page_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <functional>
#include <cstdint>
#include <new>

namespace diofs {

PagePool& PagePool::Shared() {
  // Never destroyed: pages of files still open at exit are never given back.
  static PagePool* const pool = new PagePool();
  return *pool;
}

PagePool::~PagePool() {
  for (std::byte* slab : slabs_) munmap(slab, kSlabSize);
}

void PagePool::MapSlabLocked() {
  // Twice the size, then trimmed to an aligned slab: a huge page needs 2 MiB alignment.
  void* raw = mmap(nullptr, 2 * kSlabSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kSlabSize - 1) & ~(std::uintptr_t{kSlabSize} - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t tail = start + 2 * kSlabSize - (aligned + kSlabSize);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + kSlabSize), tail);
  auto* slab = reinterpret_cast<std::byte*>(aligned);
  // Advice only: without THP (never, or a kernel without it) pages fault 4 KiB at a time.
  (void)madvise(slab, kSlabSize, MADV_HUGEPAGE);
  slabs_.push_back(slab);
  next_ = slab;
  slab_end_ = slab + kSlabSize;
}

std::byte* PagePool::Take() {
  std::lock_guard lock(mutex_);
  return TakeLocked();
}

void PagePool::TakeMany(std::span<std::byte*> pages) {
  std::lock_guard lock(mutex_);
  std::size_t filled = 0;
  try {
    for (; filled < pages.size(); ++filled) pages[filled] = TakeLocked();
  } catch (...) {  // all or none: what was taken goes back
    free_.insert(free_.end(), pages.begin(), pages.begin() + static_cast<std::ptrdiff_t>(filled));
    throw;
  }
}

std::byte* PagePool::TakeLocked() {
  if (!free_.empty()) {
    std::byte* page = free_.back();
    free_.pop_back();
    return page;
  }
  if (next_ == slab_end_) MapSlabLocked();
  std::byte* page = next_;
  next_ += kPageSize;
  return page;
}

void PagePool::Give(std::byte* page) {
  std::lock_guard lock(mutex_);
  free_.push_back(page);
}

void PagePool::GiveMany(std::span<std::byte* const> pages) {
  std::lock_guard lock(mutex_);
  free_.insert(free_.end(), pages.begin(), pages.end());
}

void PagePool::Release() {
  std::lock_guard lock(mutex_);
  // Ascending, so that the next Take()s hand out low addresses first and a
  // run of adjacent pages is one madvise.
  std::sort(free_.begin(), free_.end(), std::greater<>());
  std::size_t i = 0;
  while (i < free_.size()) {
    std::size_t j = i + 1;
    while (j < free_.size() && free_[j] + kPageSize == free_[j - 1]) ++j;
    // free_[j - 1] is the lowest page of the run free_[i..j).
    (void)madvise(free_[j - 1], (j - i) * kPageSize, MADV_DONTNEED);
    i = j;
  }
  // A slab with pages released no longer asks for huge pages: khugepaged
  // would fill a huge page around the pages still in use (up to 511 absent
  // of 512 by default, khugepaged/max_ptes_none), taking the memory back.
  std::byte* last_slab = nullptr;
  for (std::byte* page : free_) {
    auto* slab = reinterpret_cast<std::byte*>(reinterpret_cast<std::uintptr_t>(page) & ~(std::uintptr_t{kSlabSize} - 1));
    if (slab != last_slab) (void)madvise(slab, kSlabSize, MADV_NOHUGEPAGE);
    last_slab = slab;
  }
}

std::size_t PagePool::free_pages() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

std::size_t PagePool::slabs() const {
  std::lock_guard lock(mutex_);
  return slabs_.size();
}

}  // namespace diofs
