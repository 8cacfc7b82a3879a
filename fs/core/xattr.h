// Extended attributes as Linux keeps them (xattr(7), setxattr(2)): the
// names diofs accepts, the store of the mem backend, and the size protocol
// of getxattr(2)/listxattr(2). The passthrough backend keeps them on the
// real files, where the host kernel applies the same rules.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace diofs {

// XATTR_SIZE_MAX (linux/limits.h): the largest value the kernel passes on.
inline constexpr std::size_t kXattrValueMax = 65536;

// A name diofs stores: "user.", "trusted." or "security." and at least one
// more character. An empty suffix fails with EINVAL (the kernel's
// xattr_resolve_name()); another namespace with EOPNOTSUPP, as ext4 answers
// one it has no handler for ("system." ACLs never reach a FUSE server that
// does not ask for FUSE_CAP_POSIX_ACL).
dioh::Status CheckXattrName(std::string_view name);

// Whether a caller may see `name` in a list: "trusted." only for a
// privileged one (ext4_xattr_trusted_list() asks for CAP_SYS_ADMIN).
bool XattrListedFor(std::string_view name, bool privileged);

// The attributes of one node of the mem backend. Not thread-safe: the
// backend's tree lock guards it.
class XattrMap {
 public:
  // ENODATA when absent.
  dioh::Result<std::string> Get(std::string_view name) const;
  // flags 0: create or replace; XATTR_CREATE: EEXIST when present;
  // XATTR_REPLACE: ENODATA when absent. A value over kXattrValueMax: E2BIG.
  dioh::Status Set(std::string_view name, std::string_view value, int flags);
  std::vector<std::string> Names() const;
  // ENODATA when absent.
  dioh::Status Remove(std::string_view name);

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// The answer to getxattr(2) or listxattr(2) for a caller's buffer of
// `buffer_size` bytes: size 0 asks only how long the answer is, a buffer
// too small for it fails with ERANGE.
struct XattrReply {
  std::string data;        // the value, or the names each followed by NUL
  bool size_only = false;  // reply with data.size() alone
};
dioh::Result<XattrReply> FitXattrReply(std::string data, std::size_t buffer_size);

// listxattr(2)'s answer: each name followed by a NUL byte.
std::string XattrNameList(const std::vector<std::string>& names);

}  // namespace diofs
