// What a multifd channel thread does with a batch of pages (multifd-nocomp.c
// + file.c:file_write_ramblock_iov): detect zero pages, set bitmap bits for
// data pages and clear them for zero pages, and issue one pwritev per run of
// address-contiguous data pages at pages_offset + page offset.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/channel/file_io.h"
#include "migration/engine/ram_bitmap.h"
#include "migration/format/stream_constants.h"
#include "migration/model/injected_bugs.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine {

struct PageBatch {
  uint32_t block = 0;
  std::vector<uint64_t> pages;  // ascending page indices of that block
};

// Where a failing channel leaves the detail of its failure (channel, bytes,
// offset, ramblock): QEMU reports only "Unable to write to file: <errno
// text>" (io/channel-file.c:qio_channel_file_pwritev) in query-migrate's
// error-desc, so the detail goes to mrmigrate's stderr instead. Every
// failure is kept, in order: two channels may fail at once.
class ErrorDetails {
 public:
  void Add(std::string line);
  std::vector<std::string> lines() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

struct SendCounters {
  std::atomic<uint64_t> normal_pages{0};
  std::atomic<uint64_t> zero_pages{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> short_writes_ignored{0};
};

struct SendContext {
  const ram::HostRam* ram = nullptr;
  std::vector<uint64_t> pages_offsets;   // per block
  std::vector<RamBitmap>* bitmaps = nullptr;
  std::vector<channel::File*> files;     // per channel (one: the main file without multifd)
  bool detect_zero = true;               // zero-page-detection done here
  uint64_t max_pages_per_write = format::kMultifdPagesPerPacket;  // 1 without multifd (ram_save_page)
  bool main_channel = false;             // pages go through the main channel (no multifd)
  model::InjectedBugs inject;
  SendCounters* counters = nullptr;
  ErrorDetails* details = nullptr;       // null: details are dropped
  // Buffered channels to one file take turns to write, one batch per turn:
  // the kernel serializes buffered writes to an inode anyway (inode_lock in
  // generic_file_write_iter and shmem_file_write_iter), and contending for
  // it once per pwritev costs more than the copies. While one channel
  // writes, the others scan their next batch. Null: no turns (O_DIRECT, one channel).
  std::mutex* write_turn = nullptr;
};

bool IsZeroPage(const uint8_t* page);

// Marks a zero page in the bitmap (unless x-inject zero-pages-in-bitmap keeps a stale bit).
void MarkZeroPage(const SendContext& ctx, uint32_t block, uint64_t page);

// In two steps: every page of the batch is classified (zero detection,
// bitmap, counters) without a syscall, then the runs are written
// (multifd_send_thread: the packet is prepared, then written).
dioh::Status SendBatch(const SendContext& ctx, const PageBatch& batch, uint32_t channel);

}  // namespace mrm::engine
