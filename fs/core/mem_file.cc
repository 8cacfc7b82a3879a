#include "fs/core/mem_file.h"

#include <linux/falloc.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace diofs {

std::size_t MemFile::ReadAt(std::uint64_t offset, std::span<std::byte> out) const {
  std::shared_lock lock(mutex_);
  const std::uint64_t size = size_.load(std::memory_order_relaxed);
  if (offset >= size) return 0;
  const std::size_t total = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - offset));
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t pos = offset + done;
    const std::uint64_t index = pos / kPageSize;
    const std::size_t in_page = static_cast<std::size_t>(pos % kPageSize);
    const std::size_t n = std::min(total - done, kPageSize - in_page);
    const auto it = pages_.find(index);
    if (it == pages_.end()) {
      std::memset(out.data() + done, 0, n);
    } else {
      std::memcpy(out.data() + done, it->second->data() + in_page, n);
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

MemFile::~MemFile() { budget_->Give(pages_.size()); }

dioh::Result<std::size_t> MemFile::WriteAt(std::uint64_t offset, std::span<const std::byte> data) {
  std::unique_lock lock(mutex_);
  const bool limited = budget_->limit() != 0;
  if (limited && !data.empty()) {
    std::uint64_t missing = 0;
    for (std::uint64_t i = offset / kPageSize; i <= (offset + data.size() - 1) / kPageSize; ++i) {
      missing += pages_.count(i) == 0 ? 1 : 0;
    }
    if (!budget_->TryTake(missing)) return dioh::Status::Error(ENOSPC, "no space left (capacity)");
  }
  const std::size_t pages_before = pages_.size();
  std::size_t done = 0;
  while (done < data.size()) {
    const std::uint64_t pos = offset + done;
    const std::uint64_t index = pos / kPageSize;
    const std::size_t in_page = static_cast<std::size_t>(pos % kPageSize);
    const std::size_t n = std::min(data.size() - done, kPageSize - in_page);
    auto& page = pages_[index];
    if (!page) page = std::make_unique<Page>();  // value-initialised: zeros
    std::memcpy(page->data() + in_page, data.data() + done, n);
    done += n;
  }
  if (offset + data.size() > size_.load(std::memory_order_relaxed)) {
    size_.store(offset + data.size(), std::memory_order_release);
  }
  // Without a limit nothing was taken up front: count the new pages now.
  if (!limited) (void)budget_->TryTake(pages_.size() - pages_before);
  return data.size();
}

void MemFile::ZeroRangeLocked(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return;
  const std::size_t pages_before = pages_.size();
  DropRangeLocked(offset, length);
  budget_->Give(pages_before - pages_.size());
}

void MemFile::DropRangeLocked(std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t end = offset + length;
  // Partial pages at either end are cleared; whole pages in between dropped.
  const auto clear = [this](std::uint64_t from, std::uint64_t to) {
    const auto it = pages_.find(from / kPageSize);
    if (it != pages_.end()) std::memset(it->second->data() + from % kPageSize, 0, to - from);
  };
  std::uint64_t first_whole = (offset + kPageSize - 1) / kPageSize;
  const std::uint64_t end_whole = end / kPageSize;  // exclusive
  if (first_whole > end_whole) {  // inside one page
    clear(offset, end);
    return;
  }
  if (offset % kPageSize != 0) clear(offset, first_whole * kPageSize);
  if (end % kPageSize != 0) clear(end_whole * kPageSize, end);
  // A huge range over a sparse file: walk the map, not the range.
  if (end_whole - first_whole > pages_.size()) {
    std::erase_if(pages_, [&](const auto& entry) { return entry.first >= first_whole && entry.first < end_whole; });
  } else {
    for (; first_whole < end_whole; ++first_whole) pages_.erase(first_whole);
  }
}

dioh::Status MemFile::Allocate(int mode, std::uint64_t offset, std::uint64_t length) {
  const int supported = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE;
  if ((mode & ~supported) != 0) {
    return dioh::Status::Error(EOPNOTSUPP, "fallocate mode " + std::to_string(mode) + " is not supported");
  }
  if ((mode & FALLOC_FL_PUNCH_HOLE) != 0 && (mode & FALLOC_FL_KEEP_SIZE) == 0) {
    return dioh::Status::Error(EINVAL, "FALLOC_FL_PUNCH_HOLE needs FALLOC_FL_KEEP_SIZE");  // fallocate(2)
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

std::uint64_t MemFile::allocated_pages() const {
  std::shared_lock lock(mutex_);
  return pages_.size();
}

}  // namespace diofs
