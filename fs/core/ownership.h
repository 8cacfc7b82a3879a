// Ownership of what callers create and write, as a Linux filesystem keeps
// it. The kernel checks permissions itself (diofs mounts with
// default_permissions), so these rules only decide what diofs stores: the
// owner and mode of a new node (the kernel's inode_init_owner()), and the
// set-id bits a write drops (file_remove_privs()).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace diofs {

// Who asks: the fsuid and fsgid FUSE passes with a request.
struct Credentials {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  // FUSE passes no capabilities; uid 0 stands for CAP_FSETID and CAP_FOWNER,
  // as it does for every process that has not dropped them.
  bool privileged() const { return uid == 0; }
};

struct NewOwner {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  mode_t mode = 0;  // type and permission bits, the caller's umask already applied by the kernel
};

// The owner and mode of a node `creator` makes in a folder whose mode and
// group are `parent_mode` and `parent_gid`. In a set-group-ID folder the node
// takes the folder's group, and a new folder inherits S_ISGID; a file asking
// for S_ISGID and group execute in a group its creator may not be in loses
// S_ISGID. diofs sees only the creator's primary group, so a supplementary
// group counts as "not in it": stricter than the kernel, never looser.
NewOwner OwnerOfNewNode(const Credentials& creator, mode_t parent_mode, std::uint32_t parent_gid, mode_t mode);

// The mode a regular file must take when `writer` writes to it, or none
// when it keeps its mode: S_ISUID goes, and S_ISGID when group-executable,
// unless the writer is privileged. On a mount the kernel does this itself
// for buffered writes (file_remove_privs() asks diofs for the new mode), but
// not for FOPEN_DIRECT_IO writes, which reach diofs without it.
std::optional<mode_t> ModeAfterWrite(mode_t mode, const Credentials& writer);

}  // namespace diofs
