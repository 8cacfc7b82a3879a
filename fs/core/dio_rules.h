// The O_DIRECT rules of a profile, decided per operation from the flags that
// arrive with it: the kernel passes the file's current f_flags with every
// FUSE read and write, so an fcntl(F_SETFL) toggle of O_DIRECT is seen on
// the next transfer.
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <cstdint>

#include "fs/core/op_event.h"
#include "fs/core/profile.h"

namespace diofs {

struct RuleVerdict {
  Rule rule = Rule::kNone;
  Verdict verdict = Verdict::kPass;
  // -EINVAL when the operation must fail, 0 when it proceeds.
  int error() const { return verdict == Verdict::kRejected ? -EINVAL : 0; }
};

inline bool HasODirect(std::uint32_t flags) { return (flags & O_DIRECT) != 0; }

// open/create: a profile may refuse O_DIRECT at open (EINVAL, as open(2) on
// a filesystem without direct I/O support). This is never downgraded to a
// record: the open has no "proceed anyway" that would mean the same thing.
RuleVerdict CheckOpen(const Profile& profile, std::uint32_t flags);

// read/write: with O_DIRECT in `flags`, offset and length must be multiples
// of the profile's dio alignment (the block layer's rule for direct I/O,
// blkdev_dio_invalid / iomap_dio_rw with the device's logical block size).
// The offset is checked first: the first broken rule is the one named.
RuleVerdict CheckTransfer(const Profile& profile, OnViolation on_violation, std::uint32_t flags,
                          std::uint64_t offset, std::uint64_t length);

}  // namespace diofs
