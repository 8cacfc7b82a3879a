#include "fs/diocheck/description_table.h"

#include <atomic>

namespace diocheck {
namespace {

constexpr uint64_t kDecidedBit = uint64_t{1} << 63;

template <typename T>
std::atomic_ref<T> Atomic(T& value) {
  return std::atomic_ref<T>(value);
}

size_t FdSlotBytes(int fd_capacity) {
  // Round up so that the descriptions after the fd slots are 8-byte aligned.
  return (static_cast<size_t>(fd_capacity) * sizeof(uint32_t) + 7) & ~size_t{7};
}

}  // namespace

uint64_t AlignInfo::Pack() const {
  return kDecidedBit | mem_align | (uint64_t{static_cast<uint8_t>(source)} << 32) |
         (uint64_t{static_cast<uint16_t>(mount_slot + 1)} << 40);
}

AlignInfo AlignInfo::Unpack(uint64_t word) {
  AlignInfo info;
  if ((word & kDecidedBit) == 0) return info;
  info.mem_align = static_cast<uint32_t>(word);
  info.source = static_cast<AlignSource>((word >> 32) & 0xff);
  info.mount_slot = static_cast<int>((word >> 40) & 0xffff) - 1;
  return info;
}

size_t DescriptionTable::BytesFor(int fd_capacity) {
  return FdSlotBytes(fd_capacity) +
         static_cast<size_t>(fd_capacity + kSpareDescriptions) * sizeof(Description);
}

DescriptionTable::DescriptionTable(void* zeroed_storage, int fd_capacity)
    : fd_capacity_(fd_capacity),
      description_count_(fd_capacity + kSpareDescriptions),
      fd_slots_(static_cast<uint32_t*>(zeroed_storage)),
      descriptions_(reinterpret_cast<Description*>(static_cast<char*>(zeroed_storage) +
                                                   FdSlotBytes(fd_capacity))) {}

std::optional<DescriptionTable::Entry> DescriptionTable::Lookup(int fd) const {
  if (!Covers(fd)) return std::nullopt;
  const uint32_t slot = Atomic(fd_slots_[fd]).load(std::memory_order_acquire);
  if (slot == 0) return std::nullopt;
  Description& description = descriptions_[slot - 1];
  return Entry{slot - 1, Atomic(description.status_flags).load(std::memory_order_relaxed),
               Atomic(description.align_word).load(std::memory_order_acquire)};
}

std::optional<uint32_t> DescriptionTable::Claim(int hint) {
  // Start at the fd's own index: with no dups outstanding it is free, so
  // claiming is one compare-exchange.
  for (int step = 0; step < description_count_; ++step) {
    const auto index = static_cast<uint32_t>((hint + step) % description_count_);
    uint32_t expected = 0;
    if (Atomic(descriptions_[index].references)
            .compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
      return index;
    }
  }
  return std::nullopt;
}

void DescriptionTable::Release(uint32_t description) {
  Atomic(descriptions_[description].references).fetch_sub(1, std::memory_order_acq_rel);
}

std::optional<DescriptionTable::Entry> DescriptionTable::Open(int fd, int status_flags) {
  if (!Covers(fd)) return std::nullopt;
  const auto claimed = Claim(fd);
  if (!claimed) {
    Close(fd);
    return std::nullopt;
  }
  Description& description = descriptions_[*claimed];
  Atomic(description.status_flags).store(status_flags, std::memory_order_relaxed);
  Atomic(description.align_word).store(0, std::memory_order_relaxed);
  const uint32_t previous =
      Atomic(fd_slots_[fd]).exchange(*claimed + 1, std::memory_order_acq_rel);
  // A previous description here was closed by a path diocheck does not see
  // (fclose, closedir, a raw syscall): drop that fd's reference now.
  if (previous != 0) Release(previous - 1);
  return Entry{*claimed, status_flags, 0};
}

void DescriptionTable::Duplicate(int old_fd, int new_fd) {
  if (old_fd == new_fd || !Covers(new_fd)) return;
  uint32_t slot = 0;
  if (Covers(old_fd)) {
    slot = Atomic(fd_slots_[old_fd]).load(std::memory_order_acquire);
    if (slot != 0) Atomic(descriptions_[slot - 1].references).fetch_add(1, std::memory_order_acq_rel);
  }
  const uint32_t previous = Atomic(fd_slots_[new_fd]).exchange(slot, std::memory_order_acq_rel);
  if (previous != 0) Release(previous - 1);
}

void DescriptionTable::Close(int fd) {
  if (!Covers(fd)) return;
  if (Atomic(fd_slots_[fd]).load(std::memory_order_relaxed) == 0) return;
  const uint32_t previous = Atomic(fd_slots_[fd]).exchange(0, std::memory_order_acq_rel);
  if (previous != 0) Release(previous - 1);
}

void DescriptionTable::SetStatusFlags(uint32_t description, int status_flags) {
  Atomic(descriptions_[description].status_flags).store(status_flags, std::memory_order_relaxed);
}

void DescriptionTable::SetAlignment(uint32_t description, AlignInfo info) {
  Atomic(descriptions_[description].align_word).store(info.Pack(), std::memory_order_release);
}

}  // namespace diocheck
