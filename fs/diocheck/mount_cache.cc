#include "fs/diocheck/mount_cache.h"

#include <atomic>

namespace diocheck {

std::optional<int> MountCache::Find(uint64_t device) const {
  for (int i = 0; i < kSlots; ++i) {
    const uint32_t seen =
        std::atomic_ref<uint32_t>(slots_[i].state).load(std::memory_order_acquire);
    if (seen == kEmpty) return std::nullopt;  // slots are claimed in order
    if (seen == kPublished && slots_[i].facts.device == device) return i;
  }
  return std::nullopt;
}

std::optional<int> MountCache::Insert(const MountFacts& facts) {
  for (int i = 0; i < kSlots; ++i) {
    uint32_t expected = kEmpty;
    if (!std::atomic_ref<uint32_t>(slots_[i].state)
             .compare_exchange_strong(expected, kFilling, std::memory_order_acq_rel)) {
      continue;
    }
    slots_[i].facts = facts;
    std::atomic_ref<uint32_t>(slots_[i].state).store(kPublished, std::memory_order_release);
    return i;
  }
  return std::nullopt;
}

}  // namespace diocheck
