#include "fs/daemon/fuse_ops.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>

namespace diofs::fuse_ops {
namespace {

// FUSE gives the calling thread's id; the op log also wants its process.
// /proc/TID/status names it; the answer is cached per thread id.
class ThreadGroups {
 public:
  std::uint32_t ProcessOf(std::uint32_t tid) {
    {
      std::lock_guard lock(mutex_);
      const auto it = tgids_.find(tid);
      if (it != tgids_.end()) return it->second;
    }
    std::uint32_t tgid = tid;
    const std::string path = "/proc/" + std::to_string(tid) + "/status";
    if (FILE* f = std::fopen(path.c_str(), "re")) {
      char line[256];
      while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::sscanf(line, "Tgid: %u", &tgid) == 1) break;
      }
      std::fclose(f);
    }
    std::lock_guard lock(mutex_);
    if (tgids_.size() > 65536) tgids_.clear();  // thread ids are reused: keep it fresh and bounded
    tgids_[tid] = tgid;
    return tgid;
  }

 private:
  std::mutex mutex_;  // a leaf lock
  std::unordered_map<std::uint32_t, std::uint32_t> tgids_;
};
ThreadGroups g_thread_groups;  // the daemon's one process-wide table

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
  return Caller{g_thread_groups.ProcessOf(tid), tid, Credentials{ctx->uid, ctx->gid}};
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

void ReplyOpened(fuse_req_t req, const Opened& opened, fuse_file_info* fi, bool create) {
  fi->fh = opened.fh;
  fi->direct_io = opened.direct_io ? 1 : 0;  // O_DIRECT: transfers arrive exactly as issued
  fi->keep_cache = 0;
  if (create) {
    const fuse_entry_param e = ToEntry(opened.entry);
    fuse_reply_create(req, &e, fi);
  } else {
    fuse_reply_open(req, fi);
  }
}

}  // namespace diofs::fuse_ops
