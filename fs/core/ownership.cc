#include "fs/core/ownership.h"

#include <sys/stat.h>

namespace diofs {

NewOwner OwnerOfNewNode(const Credentials& creator, mode_t parent_mode, std::uint32_t parent_gid, mode_t mode) {
  NewOwner owner{creator.uid, creator.gid, mode};
  if ((parent_mode & S_ISGID) == 0) return owner;
  owner.gid = parent_gid;
  if (S_ISDIR(mode)) {
    owner.mode |= S_ISGID;
  } else if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && owner.gid != creator.gid &&
             !creator.privileged()) {
    owner.mode &= ~S_ISGID;
  }
  return owner;
}

std::optional<mode_t> ModeAfterWrite(mode_t mode, const Credentials& writer) {
  if (writer.privileged() || !S_ISREG(mode)) return std::nullopt;
  mode_t kept = mode & ~S_ISUID;
  if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) kept &= ~S_ISGID;
  if (kept == mode) return std::nullopt;
  return kept;
}

}  // namespace diofs
