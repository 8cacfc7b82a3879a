// The kernel's replies to OPEN and CREATE, filled here and sent with
// fuse_reply_buf() instead of fuse_reply_open()/fuse_reply_create():
// libfuse 3.14's fuse_file_info has no bit for FOPEN_PARALLEL_DIRECT_WRITES
// (Linux 6.2), and without it the kernel takes a FUSE file's inode lock
// exclusively for every direct write, so writers of one file never overlap
// (fuse_direct_write_iter(), fs/fuse/file.c). With it, a direct write that
// does not extend the file takes the lock shared.
//
// Kernel rules this relies on (fs/fuse/file.c, fs/fuse/iomode.c): the bit
// counts only on an FOPEN_DIRECT_IO open (diofs gives that to O_DIRECT
// opens), appends and writes past the end stay exclusive, and while any
// cached open (without FOPEN_DIRECT_IO) of the same inode exists, direct
// writes are exclusive again. The layouts are <linux/fuse.h>'s, for kernel
// protocol 7.9 and later (every kernel libfuse 3 supports).
#pragma once

#include <cstdint>

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 314
#endif
#include <fuse_lowlevel.h>
#include <linux/fuse.h>

namespace diofs::fuse_ops {

#ifndef FOPEN_PARALLEL_DIRECT_WRITES
#define FOPEN_PARALLEL_DIRECT_WRITES (1 << 6)  // Linux 6.2; older headers lack it
#endif

// How diofs answers opens (daemon options).
struct OpenReplyPolicy {
  // FOPEN_PARALLEL_DIRECT_WRITES on every FOPEN_DIRECT_IO open
  // (--serial-direct-writes: off).
  bool parallel_direct_writes = true;
  // FOPEN_DIRECT_IO on buffered opens too (--direct-io-all): each write()
  // reaches diofs as issued (no page cache, no writeback splits), and a
  // buffered open of a file no longer makes direct writes to it serial. But
  // a shared mmap of such a file fails with ENODEV (the kernel allows it
  // only with FUSE_DIRECT_IO_ALLOW_MMAP, which libfuse 3.14 cannot ask for).
  bool direct_io_all = false;
};

// fuse_open_out.open_flags for an open (`o_direct`: opened with O_DIRECT,
// or a control file): FOPEN_DIRECT_IO when the kernel must pass each
// transfer as issued, with FOPEN_PARALLEL_DIRECT_WRITES when the policy
// asks. Never FOPEN_KEEP_CACHE: diofs invalidates the page cache on every open.
std::uint32_t KernelOpenFlags(bool o_direct, const OpenReplyPolicy& policy);

fuse_open_out MakeOpenOut(std::uint64_t fh, std::uint32_t open_flags);

// CREATE's reply: the entry, then the open, back to back.
struct CreateOut {
  fuse_entry_out entry;
  fuse_open_out open;
};
static_assert(sizeof(CreateOut) == sizeof(fuse_entry_out) + sizeof(fuse_open_out), "the kernel reads them unpadded");

// The entry as libfuse's fill_entry() writes it: node id, generation,
// timeouts split into seconds and nanoseconds, attributes from `e.attr`.
fuse_entry_out MakeEntryOut(const fuse_entry_param& e);

CreateOut MakeCreateOut(const fuse_entry_param& e, std::uint64_t fh, std::uint32_t open_flags);

}  // namespace diofs::fuse_ops
