// MountCache: what diocheck learned about each filesystem (by st_dev) it met
// an O_DIRECT descriptor on, so that the mount table and a diofs profile are
// read once per filesystem. A fixed array of slots, each published with one
// release store: lock-free, allocation-free and fork-safe (a slot a fork cut
// short in the child stays unpublished and is simply never used).
#pragma once

#include <linux/limits.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace diocheck {

struct MountFacts {
  uint64_t device = 0;
  bool on_diofs = false;
  uint32_t profile_mem_align = 0;  // diofs only
  char mount_point[PATH_MAX] = {};  // diofs only, NUL-terminated
};

class MountCache {
 public:
  static constexpr int kSlots = 32;

  // The slot holding facts about `device`, or nullopt.
  std::optional<int> Find(uint64_t device) const;
  // Publishes `facts`; returns its slot, or nullopt when every slot is used
  // (the caller then treats the filesystem as uncached).
  std::optional<int> Insert(const MountFacts& facts);
  const MountFacts& At(int slot) const { return slots_[slot].facts; }

 private:
  enum State : uint32_t { kEmpty = 0, kFilling = 1, kPublished = 2 };
  struct Slot {
    mutable uint32_t state = kEmpty;  // read through atomic_ref by Find
    MountFacts facts;
  };
  Slot slots_[kSlots];
};

}  // namespace diocheck
