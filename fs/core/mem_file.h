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

class MemFile {
 public:
  static constexpr std::size_t kPageSize = 4096;

  std::size_t ReadAt(std::uint64_t offset, std::span<std::byte> out) const;
  std::size_t WriteAt(std::uint64_t offset, std::span<const std::byte> data);
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length);
  void Resize(std::uint64_t size);

  std::uint64_t size() const { return size_.load(std::memory_order_acquire); }
  std::uint64_t allocated_pages() const;

 private:
  using Page = std::array<std::byte, kPageSize>;
  // Zeroes [offset, offset + length): whole pages are dropped, partial ones cleared.
  void ZeroRangeLocked(std::uint64_t offset, std::uint64_t length);

  mutable std::shared_mutex mutex_;  // guards pages_ and size_ changes
  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
  std::atomic<std::uint64_t> size_{0};
};

}  // namespace diofs
