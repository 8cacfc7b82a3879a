#include "migration/engine/page_sender.h"

#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "migration/format/byte_source.h"

namespace mrm::engine {

using format::StringPrintf;

bool IsZeroPage(const uint8_t* page) {
  uint64_t acc = 0;
  for (uint64_t i = 0; i < ram::kPageSize; i += 8) {
    uint64_t v;
    std::memcpy(&v, page + i, 8);
    acc |= v;
  }
  return acc == 0;
}

void MarkZeroPage(const SendContext& ctx, uint32_t block, uint64_t page) {
  ctx.counters->zero_pages.fetch_add(1, std::memory_order_relaxed);
  // QEMU's historical bug: only data pages touched the bitmap, so a page
  // that went data -> zero kept its bit and the stale data was restored.
  if (!ctx.inject.has(channel::InjectedBug::kZeroPagesInBitmap)) (*ctx.bitmaps)[block].Clear(page);
}

namespace {

// One pwritev of `count` contiguous pages starting at `first`.
dioh::Status WriteRun(const SendContext& ctx, uint32_t block, uint64_t first, uint64_t count, uint32_t channel) {
  const ram::RamBlock& b = ctx.ram->blocks()[block];
  const uint64_t len = count * ram::kPageSize;
  const uint64_t offset = ctx.pages_offsets[block] + first * ram::kPageSize;
  std::unique_ptr<void, decltype(&std::free)> bounce(nullptr, std::free);
  const uint8_t* src = b.page(first);
  if (ctx.inject.has(channel::InjectedBug::kMisalignedPageBuffers)) {
    // x-inject misaligned-page-buffers: the data leaves from 8 bytes past a page boundary.
    bounce.reset(std::aligned_alloc(ram::kPageSize, len + ram::kPageSize));
    if (!bounce) return dioh::Status::Error(ENOMEM, "cannot allocate a page buffer");
    std::memcpy(static_cast<uint8_t*>(bounce.get()) + 8, src, len);
    src = static_cast<const uint8_t*>(bounce.get()) + 8;
  }
  std::vector<struct iovec> iov(count);
  for (uint64_t i = 0; i < count; ++i) {
    iov[i].iov_base = const_cast<uint8_t*>(src + i * ram::kPageSize);
    iov[i].iov_len = ram::kPageSize;
  }
  auto n = ctx.files[channel]->PWritev(iov.data(), static_cast<int>(count), offset);
  if (!n.ok()) {
    return dioh::Status::Error(n.status().code(), StringPrintf("multifd send (%u): pwritev of 0x%" PRIx64 " bytes at 0x%" PRIx64 " (ramblock %s): %s",
                                                               channel, len, offset, b.idstr().c_str(),
                                                               n.status().message().c_str()));
  }
  ctx.counters->bytes.fetch_add(*n, std::memory_order_relaxed);
  if (*n != len) {
    // QEMU ignores this (a short pwritev corrupts the file undetected); we fail.
    if (ctx.inject.has(channel::InjectedBug::kIgnoreShortWrites)) {
      ctx.counters->short_writes_ignored.fetch_add(1, std::memory_order_relaxed);
      return dioh::Status::Ok();
    }
    return dioh::Status::Error(EIO, StringPrintf("multifd send (%u): short write of 0x%zx of 0x%" PRIx64 " bytes at 0x%" PRIx64 " (ramblock %s)",
                                                 channel, *n, len, offset, b.idstr().c_str()));
  }
  return dioh::Status::Ok();
}

}  // namespace

dioh::Status SendBatch(const SendContext& ctx, const PageBatch& batch, uint32_t channel) {
  const ram::RamBlock& b = ctx.ram->blocks()[batch.block];
  RamBitmap& bitmap = (*ctx.bitmaps)[batch.block];
  uint64_t run_first = 0, run_count = 0;
  for (uint64_t page : batch.pages) {
    if (ctx.detect_zero && IsZeroPage(b.page(page))) {
      MarkZeroPage(ctx, batch.block, page);
      continue;
    }
    bitmap.Set(page);
    ctx.counters->normal_pages.fetch_add(1, std::memory_order_relaxed);
    if (run_count > 0 && page == run_first + run_count && run_count < ctx.max_pages_per_write) {
      ++run_count;
      continue;
    }
    if (run_count > 0) DIOH_RETURN_IF_ERROR(WriteRun(ctx, batch.block, run_first, run_count, channel));
    run_first = page;
    run_count = 1;
  }
  if (run_count > 0) DIOH_RETURN_IF_ERROR(WriteRun(ctx, batch.block, run_first, run_count, channel));
  return dioh::Status::Ok();
}

}  // namespace mrm::engine
