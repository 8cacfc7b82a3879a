#include "migration/engine/page_sender.h"

#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "migration/channel/io_errors.h"
#include "migration/format/byte_source.h"

namespace mrm::engine {

using format::StringPrintf;

void ErrorDetails::Add(std::string line) {
  std::lock_guard lock(mu_);
  lines_.push_back(std::move(line));
}

std::vector<std::string> ErrorDetails::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

bool IsZeroPage(const uint8_t* page) {
  // QEMU's buffer_is_zero: a quick look at the start rejects most data pages,
  // then the vectorised memcmp against a zero page reads the rest.
  static constexpr uint8_t kZeroPage[ram::kPageSize] = {};
  uint64_t head;
  std::memcpy(&head, page, sizeof head);
  return head == 0 && std::memcmp(page, kZeroPage, ram::kPageSize) == 0;
}

namespace {

// QEMU's historical bug: only data pages touched the bitmap, so a page that
// went data -> zero kept its bit and the stale data was restored.
void ClearZeroPageBit(const SendContext& ctx, uint32_t block, uint64_t page) {
  if (!ctx.inject.has(model::InjectedBug::kZeroPagesInBitmap)) (*ctx.bitmaps)[block].Clear(page);
}

}  // namespace

void MarkZeroPage(const SendContext& ctx, uint32_t block, uint64_t page) {
  ctx.counters->zero_pages.fetch_add(1, std::memory_order_relaxed);
  ClearZeroPageBit(ctx, block, page);
}

namespace {

// One pwritev of `count` contiguous pages starting at `first`.
dioh::Status WriteRun(const SendContext& ctx, uint32_t block, uint64_t first, uint64_t count, uint32_t channel) {
  const ram::RamBlock& b = ctx.ram->blocks()[block];
  const uint64_t len = count * ram::kPageSize;
  const uint64_t offset = ctx.pages_offsets[block] + first * ram::kPageSize;
  std::unique_ptr<void, decltype(&std::free)> bounce(nullptr, std::free);
  const uint8_t* src = b.page(first);
  if (ctx.inject.has(model::InjectedBug::kMisalignedPageBuffers)) {
    // x-inject misaligned-page-buffers: the data leaves from 8 bytes past a page boundary.
    bounce.reset(std::aligned_alloc(ram::kPageSize, len + ram::kPageSize));
    if (!bounce) return dioh::Status::Error(ENOMEM, "cannot allocate a page buffer");
    std::memcpy(static_cast<uint8_t*>(bounce.get()) + 8, src, len);
    src = static_cast<const uint8_t*>(bounce.get()) + 8;
  }
  struct iovec iov[format::kMultifdPagesPerPacket];  // count <= max_pages_per_write <= a batch
  if (count > format::kMultifdPagesPerPacket) {
    return dioh::Status::Error(EINVAL, "multifd send: a run longer than a batch");
  }
  for (uint64_t i = 0; i < count; ++i) {
    iov[i].iov_base = const_cast<uint8_t*>(src + i * ram::kPageSize);
    iov[i].iov_len = ram::kPageSize;
  }
  auto n = ctx.files[channel]->PWritev(iov, static_cast<int>(count), offset);
  const std::string who = ctx.main_channel ? std::string("main channel") : StringPrintf("multifd send (%u)", channel);
  const std::string where = who + StringPrintf(": pwritev of 0x%" PRIx64 " bytes at 0x%" PRIx64 " (ramblock %s)", len,
                                               offset, b.idstr().c_str());
  if (!n.ok()) {
    const int err = n.status().code();
    if (ctx.details != nullptr) ctx.details->Add(where + ": " + std::strerror(err));
    return dioh::Status::Error(err, channel::UnableToWriteToFile(err));
  }
  ctx.counters->bytes.fetch_add(*n, std::memory_order_relaxed);
  if (*n != len) {
    // QEMU ignores this (file_write_ramblock_iov checks only ret < 0, so a
    // short pwritev corrupts the file undetected); we fail, with the text
    // QEMU gives a short write on its main channel (qemu_put_buffer_at).
    if (ctx.inject.has(model::InjectedBug::kIgnoreShortWrites)) {
      ctx.counters->short_writes_ignored.fetch_add(1, std::memory_order_relaxed);
      return dioh::Status::Ok();
    }
    if (ctx.details != nullptr) ctx.details->Add(where + StringPrintf(": short write of 0x%zx bytes", *n));
    return dioh::Status::Error(EIO, channel::PartialWrite(*n, len));
  }
  return dioh::Status::Ok();
}

}  // namespace

dioh::Status SendBatch(const SendContext& ctx, const PageBatch& batch, uint32_t channel) {
  const ram::RamBlock& b = ctx.ram->blocks()[batch.block];
  RamBitmap& bitmap = (*ctx.bitmaps)[batch.block];
  struct Run {
    uint64_t first;
    uint64_t count;
  };
  Run runs[format::kMultifdPagesPerPacket];  // a batch holds at most that many pages, so runs
  size_t run_count = 0;
  uint64_t zero_pages = 0;
  for (uint64_t page : batch.pages) {
    if (ctx.detect_zero && IsZeroPage(b.page(page))) {
      ClearZeroPageBit(ctx, batch.block, page);
      ++zero_pages;
      continue;
    }
    bitmap.Set(page);
    Run* last = run_count > 0 ? &runs[run_count - 1] : nullptr;
    if (last != nullptr && page == last->first + last->count && last->count < ctx.max_pages_per_write) {
      ++last->count;
    } else if (run_count < format::kMultifdPagesPerPacket) {
      runs[run_count++] = Run{page, 1};
    } else {
      return dioh::Status::Error(EINVAL, "multifd send: a batch holds more than 128 pages");
    }
  }
  // One update per batch: channels do not bounce the counters' cache line per page.
  uint64_t data_pages = 0;
  for (size_t i = 0; i < run_count; ++i) data_pages += runs[i].count;
  ctx.counters->zero_pages.fetch_add(zero_pages, std::memory_order_relaxed);
  ctx.counters->normal_pages.fetch_add(data_pages, std::memory_order_relaxed);
  std::unique_lock<std::mutex> turn;
  if (ctx.write_turn != nullptr && run_count > 0) turn = std::unique_lock(*ctx.write_turn);
  for (size_t i = 0; i < run_count; ++i) {
    DIOH_RETURN_IF_ERROR(WriteRun(ctx, batch.block, runs[i].first, runs[i].count, channel));
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::engine
