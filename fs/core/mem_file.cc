#include "fs/core/mem_file.h"

#include <linux/falloc.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>

#include "fs/core/page_pool.h"
#include "fs/core/payload_copier.h"

namespace diofs {
namespace {

// Pages dropped at once beyond this many (a file's last reference, truncate,
// punch hole) go back to the system (PagePool::Release), and so does the
// malloc memory of their entries in the page maps (malloc_trim(3): glibc
// keeps freed blocks in the arena of the worker that allocated them, about
// 6 MiB per 512 MiB of pages); fewer stay for the next writes. Without it,
// 87-100 % of a deleted file's memory stayed resident and repeated saves
// grew the peak.
constexpr std::uint64_t kReleaseAfterPages = 256;
void ReturnDroppedPages(std::uint64_t pages) {
  if (pages < kReleaseAfterPages) return;
  PagePool::Shared().Release();
  malloc_trim(0);
}

}  // namespace

// The shards a transfer of pages [first, last] touches, locked in ascending
// shard order (so two transfers cannot deadlock), released by the destructor.
class MemFile::ShardLocks {
 public:
  ShardLocks(std::array<Shard, kShards>& shards, std::uint64_t first, std::uint64_t last) : shards_(shards) {
    const std::uint64_t first_chunk = first / kPagesPerChunk, last_chunk = last / kPagesPerChunk;
    if (last_chunk - first_chunk + 1 >= kShards) {
      mask_ = ~std::uint64_t{0};
    } else {
      for (std::uint64_t c = first_chunk; c <= last_chunk; ++c) mask_ |= std::uint64_t{1} << (c % kShards);
    }
    for (std::size_t i = 0; i < kShards; ++i) {
      if ((mask_ >> i) & 1) shards_[i].mutex.lock();
    }
  }
  ~ShardLocks() {
    for (std::size_t i = kShards; i-- > 0;) {
      if ((mask_ >> i) & 1) shards_[i].mutex.unlock();
    }
  }
  ShardLocks(const ShardLocks&) = delete;
  ShardLocks& operator=(const ShardLocks&) = delete;

 private:
  static_assert(kShards == 64, "one bit of mask_ per shard");
  std::array<Shard, kShards>& shards_;
  std::uint64_t mask_ = 0;
};

void MemFile::PageReturn::operator()(Page* page) const {
  page->~Page();
  PagePool::Shared().Give(reinterpret_cast<std::byte*>(page));
}

// A write takes its new pages from the pool with one lock per 256 (a
// max_write transfer): at its first missing page, as many as it has pages
// left, up to that (no later page can need more); those it did not use go
// back when it ends. The batch lives on the stack: no allocation per write.
class MemFile::NewPages {
 public:
  NewPages() = default;
  NewPages(const NewPages&) = delete;
  NewPages& operator=(const NewPages&) = delete;
  ~NewPages() {
    if (used_ < count_) PagePool::Shared().GiveMany(std::span(taken_.data() + used_, count_ - used_));
  }

  PagePtr Next(bool zeroed, std::uint64_t pages_left) {
    if (used_ == count_) {
      const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(pages_left, taken_.size()));
      PagePool::Shared().TakeMany(std::span(taken_.data(), count));  // all or none
      count_ = count;
      used_ = 0;
    }
    Page* page = new (taken_[used_++]) Page;  // default-initialised: not zeroed
    if (zeroed) page->fill(std::byte{0});
    return PagePtr(page);
  }

 private:
  std::array<std::byte*, kPagesPerChunk> taken_;
  std::size_t count_ = 0;
  std::size_t used_ = 0;
};

MemFile::Page* MemFile::FindLocked(std::uint64_t page) const {
  const auto& pages = shards_[ShardOf(page)].pages;
  const auto it = pages.find(page);
  return it == pages.end() ? nullptr : it->second.get();
}

std::size_t MemFile::ReadAt(std::uint64_t offset, std::span<std::byte> out) const {
  std::shared_lock lock(mutex_);
  const std::uint64_t size = size_.load(std::memory_order_relaxed);
  if (offset >= size) return 0;
  const std::size_t total = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - offset));
  if (total == 0) return 0;
  ShardLocks shards(shards_, offset / kPageSize, (offset + total - 1) / kPageSize);
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t pos = offset + done;
    const std::size_t in_page = static_cast<std::size_t>(pos % kPageSize);
    const std::size_t n = std::min(total - done, kPageSize - in_page);
    if (const Page* page = FindLocked(pos / kPageSize)) {
      std::memcpy(out.data() + done, page->data() + in_page, n);
    } else {
      std::memset(out.data() + done, 0, n);
    }
    done += n;
  }
  return total;
}

bool PageBudget::TryTake(std::uint64_t pages) {
  std::uint64_t used = used_.load(std::memory_order_relaxed);
  do {
    if (limit_ != 0 && used + pages > limit_) return false;
  } while (!used_.compare_exchange_weak(used, used + pages, std::memory_order_relaxed));
  return true;
}

MemFile::~MemFile() {
  const std::uint64_t pages = page_count_.load(std::memory_order_relaxed);
  // The maps go whole, bucket arrays included, before the trim below:
  // clear() kept those until after it, and diofs stayed 5.1 MiB larger
  // after `rm` of a 2 GiB file (1.2 MiB for 512 MiB).
  for (Shard& shard : shards_) decltype(Shard::pages)().swap(shard.pages);
  budget_->Give(pages);
  ReturnDroppedPages(pages);
}

dioh::Result<std::size_t> MemFile::WriteAt(std::uint64_t offset, std::span<const std::byte> data,
                                           std::optional<std::uint64_t>* xxh3) {
  if (data.empty()) return std::size_t{0};
  const std::uint64_t first = offset / kPageSize, last = (offset + data.size() - 1) / kPageSize;
  std::shared_lock lock(mutex_);
  // Every page of the range is looked up and inserted under its shard's
  // lock, held for the whole write: the budget counts each new page once.
  ShardLocks shards(shards_, first, last);
  const bool limited = budget_->limit() != 0;
  if (limited) {
    std::uint64_t missing = 0;
    for (std::uint64_t i = first; i <= last; ++i) missing += FindLocked(i) == nullptr ? 1 : 0;
    if (!budget_->TryTake(missing)) return dioh::Status::Error(ENOSPC, "no space left (capacity)");
  }
  std::uint64_t added = 0;
  std::size_t done = 0;
  PayloadCopier copier(data, xxh3 != nullptr);
  NewPages new_pages;
  while (done < data.size()) {
    const std::uint64_t pos = offset + done;
    const std::uint64_t index = pos / kPageSize;
    const std::size_t in_page = static_cast<std::size_t>(pos % kPageSize);
    const std::size_t n = std::min(data.size() - done, kPageSize - in_page);
    auto& page = shards_[ShardOf(index)].pages[index];
    if (!page) {
      // A page written whole needs no zeros first.
      page = new_pages.Next(/*zeroed=*/n != kPageSize, last - index + 1);
      ++added;
    }
    copier.CopyNext({page->data() + in_page, n});
    done += n;
  }
  if (xxh3 != nullptr) *xxh3 = copier.Digest();
  page_count_.fetch_add(added, std::memory_order_relaxed);
  const std::uint64_t end = offset + data.size();
  std::uint64_t size = size_.load(std::memory_order_relaxed);
  while (end > size && !size_.compare_exchange_weak(size, end, std::memory_order_release)) {
  }
  // Without a limit nothing was taken up front: count the new pages now.
  if (!limited) (void)budget_->TryTake(added);
  return data.size();
}

void MemFile::ZeroRangeLocked(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return;
  const std::uint64_t pages_before = page_count_.load(std::memory_order_relaxed);
  DropRangeLocked(offset, length);
  const std::uint64_t dropped = pages_before - page_count_.load(std::memory_order_relaxed);
  budget_->Give(dropped);
  ReturnDroppedPages(dropped);
}

void MemFile::DropRangeLocked(std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t end = offset + length;
  // Partial pages at either end are cleared; whole pages in between dropped.
  const auto clear = [this](std::uint64_t from, std::uint64_t to) {
    if (Page* page = FindLocked(from / kPageSize)) std::memset(page->data() + from % kPageSize, 0, to - from);
  };
  std::uint64_t first_whole = (offset + kPageSize - 1) / kPageSize;
  const std::uint64_t end_whole = end / kPageSize;  // exclusive
  if (first_whole > end_whole) {  // inside one page
    clear(offset, end);
    return;
  }
  if (offset % kPageSize != 0) clear(offset, first_whole * kPageSize);
  if (end % kPageSize != 0) clear(end_whole * kPageSize, end);
  std::uint64_t dropped = 0;
  // A huge range over a sparse file: walk the maps, not the range.
  if (end_whole - first_whole > page_count_.load(std::memory_order_relaxed)) {
    for (Shard& shard : shards_) {
      dropped += std::erase_if(shard.pages, [&](const auto& entry) {
        return entry.first >= first_whole && entry.first < end_whole;
      });
    }
  } else {
    for (; first_whole < end_whole; ++first_whole) dropped += shards_[ShardOf(first_whole)].pages.erase(first_whole);
  }
  page_count_.fetch_sub(dropped, std::memory_order_relaxed);
}

dioh::Status MemFile::Allocate(int mode, std::uint64_t offset, std::uint64_t length) {
  const int supported = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE;
  if ((mode & ~supported) != 0) {
    return dioh::Status::Error(EOPNOTSUPP, "fallocate mode " + std::to_string(mode) + " is not supported");
  }
  if ((mode & FALLOC_FL_PUNCH_HOLE) != 0 && (mode & FALLOC_FL_KEEP_SIZE) == 0) {
    // vfs_fallocate() answers EOPNOTSUPP before any filesystem sees it.
    return dioh::Status::Error(EOPNOTSUPP, "FALLOC_FL_PUNCH_HOLE needs FALLOC_FL_KEEP_SIZE");
  }
  std::unique_lock lock(mutex_);
  const std::uint64_t size = size_.load(std::memory_order_relaxed);
  if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
    ZeroRangeLocked(offset, std::min(length, size > offset ? size - offset : 0));
  }
  // Plain allocation reserves nothing here (memory is taken on write), but
  // extends the size as fallocate(2) does without KEEP_SIZE.
  if ((mode & FALLOC_FL_KEEP_SIZE) == 0 && offset + length > size) {
    size_.store(offset + length, std::memory_order_release);
  }
  return dioh::Status::Ok();
}

void MemFile::Resize(std::uint64_t size) {
  std::unique_lock lock(mutex_);
  const std::uint64_t old = size_.load(std::memory_order_relaxed);
  if (size < old) {
    // Clear the tail of the last kept page, drop every page after it, so
    // that growing again later reads zeros there.
    ZeroRangeLocked(size, old - size);
  }
  size_.store(size, std::memory_order_release);
}

std::uint64_t MemFile::allocated_pages() const { return page_count_.load(std::memory_order_relaxed); }

}  // namespace diofs
