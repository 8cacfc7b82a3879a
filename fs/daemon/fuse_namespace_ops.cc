// The FUSE handlers of the namespace: names, attributes, folders, statfs.
#include <sys/statvfs.h>

#include <ctime>
#include <vector>

#include "fs/daemon/fuse_ops.h"

namespace diofs::fuse_ops {
namespace {

timespec Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

void OnLookup(fuse_req_t req, fuse_ino_t parent, const char* name) { ReplyEntry(req, Fs(req).Lookup(parent, name)); }

void OnForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Fs(req).Forget(ino, nlookup);
  fuse_reply_none(req);
}

void OnForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  for (size_t i = 0; i < count; ++i) Fs(req).Forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void OnGetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto attr = Fs(req).GetAttr(ino, fi != nullptr ? std::optional<std::uint64_t>(fi->fh) : std::nullopt);
  if (!attr.ok()) return ReplyError(req, attr.status());
  const struct stat st = ToStat(ino, *attr);
  fuse_reply_attr(req, &st, kCacheSeconds);
}

void OnSetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  // default_permissions: the kernel has checked who may change what
  // (setattr_prepare()); diofs applies it.
  SetAttrRequest request;
  if ((to_set & FUSE_SET_ATTR_UID) != 0) request.uid = attr->st_uid;
  if ((to_set & FUSE_SET_ATTR_GID) != 0) request.gid = attr->st_gid;
  if ((to_set & FUSE_SET_ATTR_SIZE) != 0) request.size = static_cast<std::uint64_t>(attr->st_size);
  if ((to_set & FUSE_SET_ATTR_MODE) != 0) request.mode = attr->st_mode;
  if ((to_set & FUSE_SET_ATTR_ATIME_NOW) != 0) {
    request.atime = Now();
  } else if ((to_set & FUSE_SET_ATTR_ATIME) != 0) {
    request.atime = attr->st_atim;
  }
  if ((to_set & FUSE_SET_ATTR_MTIME_NOW) != 0) {
    request.mtime = Now();
  } else if ((to_set & FUSE_SET_ATTR_MTIME) != 0) {
    request.mtime = attr->st_mtim;
  }
  const auto fh = fi != nullptr ? std::optional<std::uint64_t>(fi->fh) : std::nullopt;
  auto result = Fs(req).SetAttr(ino, fh, request, CallerOf(req));
  if (!result.ok()) return ReplyError(req, result.status());
  const struct stat st = ToStat(ino, *result);
  fuse_reply_attr(req, &st, kCacheSeconds);
}

void OnMkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  ReplyEntry(req, Fs(req).MakeDir(parent, name, mode, CallerOf(req)));
}

void OnRmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  ReplyError(req, Fs(req).RemoveDir(parent, name, CallerOf(req)));
}

void OnUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  ReplyError(req, Fs(req).Unlink(parent, name, CallerOf(req)));
}

void OnRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name,
              unsigned int flags) {
  ReplyError(req, Fs(req).Rename(parent, name, new_parent, new_name, flags, CallerOf(req)));
}

void OnOpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto fh = Fs(req).OpenDir(ino);
  if (!fh.ok()) return ReplyError(req, fh.status());
  fi->fh = *fh;
  fuse_reply_open(req, fi);
}

void OnReadDir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t offset, fuse_file_info* fi) {
  auto entries = Fs(req).ReadDir(fi->fh, static_cast<std::size_t>(offset));
  if (!entries.ok()) return ReplyError(req, entries.status());
  std::vector<char> buffer(size);
  std::size_t used = 0;
  off_t next = offset;
  for (const DirEntry& e : *entries) {
    struct stat st {};
    st.st_ino = 0xffffffff;  // unknown: the kernel asks with a lookup (libfuse's FUSE_UNKNOWN_INO)
    st.st_mode = e.type;
    const std::size_t need = fuse_add_direntry(req, buffer.data() + used, size - used, e.name.c_str(), &st, ++next);
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buffer.data(), used);
}

void OnReleaseDir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Fs(req).ReleaseDir(fi->fh);
  fuse_reply_err(req, 0);
}

void OnStatFs(fuse_req_t req, fuse_ino_t /*ino*/) {
  auto usage = Fs(req).StatFs();
  if (!usage.ok()) return ReplyError(req, usage.status());
  struct statvfs vfs {};
  vfs.f_bsize = usage->block_size;
  vfs.f_frsize = usage->block_size;
  vfs.f_blocks = usage->total_bytes / usage->block_size;
  vfs.f_bfree = usage->free_bytes / usage->block_size;
  vfs.f_bavail = vfs.f_bfree;
  vfs.f_files = usage->files + usage->free_files;
  vfs.f_ffree = usage->free_files;
  vfs.f_favail = usage->free_files;
  vfs.f_namemax = 255;
  fuse_reply_statfs(req, &vfs);
}

}  // namespace

void SetNamespaceOps(fuse_lowlevel_ops& ops) {
  ops.lookup = OnLookup;
  ops.forget = OnForget;
  ops.forget_multi = OnForgetMulti;
  ops.getattr = OnGetAttr;
  ops.setattr = OnSetAttr;
  ops.mkdir = OnMkdir;
  ops.rmdir = OnRmdir;
  ops.unlink = OnUnlink;
  ops.rename = OnRename;
  ops.opendir = OnOpenDir;
  ops.readdir = OnReadDir;
  ops.releasedir = OnReleaseDir;
  ops.statfs = OnStatFs;
}

}  // namespace diofs::fuse_ops
