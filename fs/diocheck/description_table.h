// DescriptionTable: which open file description each descriptor refers to,
// and that description's status flags and memory alignment.
//
// O_DIRECT is a status flag of the open file description, not of the fd
// (fcntl(2), open(2)): dup/dup2/dup3/F_DUPFD share the description, and an
// F_SETFL through any of its fds changes it for all. So fds index into a pool
// of shared descriptions with reference counts.
//
// Lock-free and allocation-free: the table lives in caller storage (the
// preload library maps it once at load), every field is accessed through
// std::atomic_ref, nothing blocks, so a lookup is async-signal-safe and a
// fork in the middle of an update leaves nothing locked. A program that
// closes an fd while another thread transfers on it races with itself;
// the table then answers for either description, never crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "fs/diocheck/violation.h"

namespace diocheck {

// The memory alignment decided for a description (diofs profile, statx or
// env), packed into one word so that readers see a consistent pair.
struct AlignInfo {
  uint32_t mem_align = 0;  // 0 or 1: nothing to check
  AlignSource source = AlignSource::kNone;
  int mount_slot = -1;     // MountCache slot when source is kDiofs

  uint64_t Pack() const;   // never 0: 0 means "not decided yet"
  static AlignInfo Unpack(uint64_t word);
};

class DescriptionTable {
 public:
  // Descriptions beyond one per fd, for the moment an fd slot is replaced.
  static constexpr int kSpareDescriptions = 64;

  // Bytes of zero-filled, 8-byte aligned storage for `fd_capacity` fds.
  static size_t BytesFor(int fd_capacity);
  DescriptionTable(void* zeroed_storage, int fd_capacity);

  int fd_capacity() const { return fd_capacity_; }
  bool Covers(int fd) const { return fd >= 0 && fd < fd_capacity_; }

  struct Entry {
    uint32_t description = 0;
    int status_flags = 0;
    uint64_t align_word = 0;  // AlignInfo::Pack(), or 0 if not decided
  };
  // The description `fd` refers to, or nullopt if diocheck has not seen it
  // (inherited, received, beyond capacity).
  std::optional<Entry> Lookup(int fd) const;

  // `fd` now refers to a new description (open, creat, or an fd adopted
  // after asking the kernel). Returns the entry, or nullopt if not covered.
  std::optional<Entry> Open(int fd, int status_flags);
  // `new_fd` now shares `old_fd`'s description (dup family). When `old_fd`
  // is unknown, `new_fd` becomes unknown too.
  void Duplicate(int old_fd, int new_fd);
  // `fd` no longer refers to anything.
  void Close(int fd);

  void SetStatusFlags(uint32_t description, int status_flags);
  void SetAlignment(uint32_t description, AlignInfo info);

 private:
  struct Description {
    uint32_t references;
    int32_t status_flags;
    uint64_t align_word;
  };
  std::optional<uint32_t> Claim(int hint);
  void Release(uint32_t description);

  int fd_capacity_;
  int description_count_;
  uint32_t* fd_slots_;         // description index + 1, 0 = unknown
  Description* descriptions_;
};

}  // namespace diocheck
