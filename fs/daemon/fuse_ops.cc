#include "fs/daemon/fuse_ops.h"

#include "fs/daemon/open_reply.h"
#include "fs/daemon/thread_groups.h"

namespace diofs::fuse_ops {
namespace {

ThreadGroups g_thread_groups;  // the daemon's one process-wide table
OpenReplyPolicy g_open_reply_policy;  // set by ServeFuse before the session's threads start

fuse_entry_param ToEntry(const Entry& entry) {
  fuse_entry_param e{};
  e.ino = entry.ino;
  e.attr = ToStat(entry.ino, entry.attr);
  e.attr_timeout = kCacheSeconds;
  e.entry_timeout = kCacheSeconds;
  return e;
}

}  // namespace

DioFilesystem& Fs(fuse_req_t req) { return *static_cast<DioFilesystem*>(fuse_req_userdata(req)); }

Caller CallerOf(fuse_req_t req) {
  const fuse_ctx* ctx = fuse_req_ctx(req);
  const auto tid = static_cast<std::uint32_t>(ctx->pid);
  const ThreadGroup group = g_thread_groups.Of(tid);
  return Caller{group.tgid, tid, Credentials{ctx->uid, ctx->gid}, group.pgid};
}

struct stat ToStat(std::uint64_t ino, const NodeAttr& attr) {
  struct stat st {};
  st.st_ino = ino;
  st.st_mode = attr.mode;
  st.st_nlink = attr.nlink;
  st.st_uid = attr.uid;
  st.st_gid = attr.gid;
  st.st_size = static_cast<off_t>(attr.size);
  st.st_blocks = static_cast<blkcnt_t>(attr.blocks);
  st.st_blksize = 4096;
  st.st_atim = attr.atime;
  st.st_mtim = attr.mtime;
  st.st_ctim = attr.ctime;
  return st;
}

void ReplyError(fuse_req_t req, const dioh::Status& status) { fuse_reply_err(req, status.ok() ? 0 : status.code()); }

void ReplyEntry(fuse_req_t req, const dioh::Result<Entry>& entry) {
  if (!entry.ok()) return ReplyError(req, entry.status());
  const fuse_entry_param e = ToEntry(*entry);
  fuse_reply_entry(req, &e);
}

void SetOpenReplyPolicy(const OpenReplyPolicy& policy) { g_open_reply_policy = policy; }

void ReplyOpened(fuse_req_t req, const Opened& opened, bool create) {
  // O_DIRECT: transfers arrive exactly as issued (FOPEN_DIRECT_IO), and
  // writers of one file may overlap (open_reply.h).
  const std::uint32_t flags = KernelOpenFlags(opened.direct_io, g_open_reply_policy);
  if (create) {
    const CreateOut out = MakeCreateOut(ToEntry(opened.entry), opened.fh, flags);
    fuse_reply_buf(req, reinterpret_cast<const char*>(&out), sizeof out);
  } else {
    const fuse_open_out out = MakeOpenOut(opened.fh, flags);
    fuse_reply_buf(req, reinterpret_cast<const char*>(&out), sizeof out);
  }
}

}  // namespace diofs::fuse_ops
