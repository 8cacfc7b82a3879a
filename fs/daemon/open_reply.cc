#include "fs/daemon/open_reply.h"

#include <cmath>

namespace diofs::fuse_ops {
namespace {

// A timeout in seconds as the kernel takes it: whole seconds and the rest in
// nanoseconds; a negative or NaN timeout is 0.
void SplitTimeout(double seconds, std::uint64_t& whole, std::uint32_t& nanoseconds) {
  if (!(seconds > 0)) {
    whole = 0;
    nanoseconds = 0;
    return;
  }
  const double whole_seconds = std::floor(seconds);
  whole = whole_seconds >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(whole_seconds);
  const double rest = (seconds - whole_seconds) * 1e9;
  nanoseconds = rest >= 999999999.0 ? 999999999u : static_cast<std::uint32_t>(rest);
}

}  // namespace

std::uint32_t KernelOpenFlags(bool o_direct, const OpenReplyPolicy& policy) {
  if (!o_direct && !policy.direct_io_all) return 0;
  return FOPEN_DIRECT_IO | (policy.parallel_direct_writes ? FOPEN_PARALLEL_DIRECT_WRITES : 0u);
}

fuse_open_out MakeOpenOut(std::uint64_t fh, std::uint32_t open_flags) {
  fuse_open_out out{};
  out.fh = fh;
  out.open_flags = open_flags;
  return out;
}

fuse_entry_out MakeEntryOut(const fuse_entry_param& e) {
  fuse_entry_out out{};
  out.nodeid = e.ino;
  out.generation = e.generation;
  SplitTimeout(e.entry_timeout, out.entry_valid, out.entry_valid_nsec);
  SplitTimeout(e.attr_timeout, out.attr_valid, out.attr_valid_nsec);
  fuse_attr& attr = out.attr;
  attr.ino = e.attr.st_ino;
  attr.mode = e.attr.st_mode;
  attr.nlink = static_cast<std::uint32_t>(e.attr.st_nlink);
  attr.uid = e.attr.st_uid;
  attr.gid = e.attr.st_gid;
  attr.rdev = static_cast<std::uint32_t>(e.attr.st_rdev);
  attr.size = static_cast<std::uint64_t>(e.attr.st_size);
  attr.blocks = static_cast<std::uint64_t>(e.attr.st_blocks);
  attr.blksize = static_cast<std::uint32_t>(e.attr.st_blksize);
  attr.atime = static_cast<std::uint64_t>(e.attr.st_atim.tv_sec);
  attr.mtime = static_cast<std::uint64_t>(e.attr.st_mtim.tv_sec);
  attr.ctime = static_cast<std::uint64_t>(e.attr.st_ctim.tv_sec);
  attr.atimensec = static_cast<std::uint32_t>(e.attr.st_atim.tv_nsec);
  attr.mtimensec = static_cast<std::uint32_t>(e.attr.st_mtim.tv_nsec);
  attr.ctimensec = static_cast<std::uint32_t>(e.attr.st_ctim.tv_nsec);
  return out;
}

CreateOut MakeCreateOut(const fuse_entry_param& e, std::uint64_t fh, std::uint32_t open_flags) {
  return CreateOut{MakeEntryOut(e), MakeOpenOut(fh, open_flags)};
}

}  // namespace diofs::fuse_ops
