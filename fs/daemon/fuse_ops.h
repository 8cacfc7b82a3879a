// What the FUSE request handlers of diofs share: the DioFilesystem behind a
// request, the caller, and the translation of core answers into FUSE
// replies. Each handler only translates and replies once (CONTRIBUTING.md):
// the logic is DioFilesystem's.
#pragma once

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 314
#endif
#include <fuse_lowlevel.h>
#include <sys/stat.h>

#include "fs/core/filesystem.h"
#include "fs/daemon/open_reply.h"

namespace diofs::fuse_ops {

// Cache timeouts: data and names change only through diofs (mem backend), so
// the kernel may keep what it learned for a second.
inline constexpr double kCacheSeconds = 1.0;

DioFilesystem& Fs(fuse_req_t req);
// The caller of a request: its process and thread (for the op log) and its fsuid/fsgid.
Caller CallerOf(fuse_req_t req);
struct stat ToStat(std::uint64_t ino, const NodeAttr& attr);
void ReplyError(fuse_req_t req, const dioh::Status& status);
// An entry (lookup, mkdir, symlink, link, mknod), or its error.
void ReplyEntry(fuse_req_t req, const dioh::Result<Entry>& entry);
// The reply of an open or a create (open_reply.h: filled by hand, so that
// O_DIRECT opens carry FOPEN_PARALLEL_DIRECT_WRITES).
void ReplyOpened(fuse_req_t req, const Opened& opened, bool create);
// How opens are answered (open_reply.h); called once before the session runs.
void SetOpenReplyPolicy(const OpenReplyPolicy& policy);

// The handlers, by group, set into `ops`.
void SetNamespaceOps(fuse_lowlevel_ops& ops);  // fuse_namespace_ops.cc
void SetFileOps(fuse_lowlevel_ops& ops);       // fuse_file_ops.cc
void SetNodeOps(fuse_lowlevel_ops& ops);       // fuse_node_ops.cc: links, special files, xattrs

}  // namespace diofs::fuse_ops
