#define FUSE_USE_VERSION 314
#include "fs/daemon/fuse_adapter.h"
#include "fs/daemon/thread_groups.h"

#include <fuse_lowlevel.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace diofs {
namespace {

// Cache timeouts: data and names change only through diofs (mem backend), so
// the kernel may keep what it learned for a second.
constexpr double kCacheSeconds = 1.0;

DioFilesystem& Fs(fuse_req_t req) { return *static_cast<DioFilesystem*>(fuse_req_userdata(req)); }

ThreadGroups g_thread_groups;  // the daemon's one process-wide table

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

fuse_entry_param ToEntry(const Entry& entry) {
  fuse_entry_param e{};
  e.ino = entry.ino;
  e.attr = ToStat(entry.ino, entry.attr);
  e.attr_timeout = kCacheSeconds;
  e.entry_timeout = kCacheSeconds;
  return e;
}

void ReplyError(fuse_req_t req, const dioh::Status& status) { fuse_reply_err(req, status.ok() ? 0 : status.code()); }

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

void OnInit(void* /*userdata*/, fuse_conn_info* conn) {
  conn->max_write = kFuseMaxWrite;
  // Never the writeback cache: diofs must see the application's writes, not
  // the kernel's writeback of them. No async direct I/O: the kernel would
  // split and reorder an O_DIRECT transfer. No splice: plain buffers.
  // Not HANDLE_KILLPRIV (libfuse asks for it by default): the kernel then
  // drops set-id bits itself on truncate, chown and buffered writes, by a
  // setattr that diofs applies (fuse_setattr()); FOPEN_DIRECT_IO writes are
  // diofs' to handle (ModeAfterWrite).
  conn->want &= ~(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ASYNC_DIO | FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
                  FUSE_CAP_SPLICE_MOVE | FUSE_CAP_HANDLE_KILLPRIV);
}

void OnLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  auto entry = Fs(req).Lookup(parent, name);
  if (!entry.ok()) return ReplyError(req, entry.status());
  const fuse_entry_param e = ToEntry(*entry);
  fuse_reply_entry(req, &e);
}

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

timespec Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
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
  auto entry = Fs(req).MakeDir(parent, name, mode, CallerOf(req));
  if (!entry.ok()) return ReplyError(req, entry.status());
  const fuse_entry_param e = ToEntry(*entry);
  fuse_reply_entry(req, &e);
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

void OnCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  auto opened = Fs(req).Create(parent, name, mode, static_cast<std::uint32_t>(fi->flags), CallerOf(req));
  if (!opened.ok()) return ReplyError(req, opened.status());
  ReplyOpened(req, *opened, fi, /*create=*/true);
}

void OnOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto opened = Fs(req).Open(ino, static_cast<std::uint32_t>(fi->flags), CallerOf(req));
  if (!opened.ok()) return ReplyError(req, opened.status());
  ReplyOpened(req, *opened, fi, /*create=*/false);
}

void OnRead(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t offset, fuse_file_info* fi) {
  thread_local std::vector<std::byte> buffer;  // one per FUSE worker, reused
  if (buffer.size() < size) buffer.resize(size);
  auto done = Fs(req).Read(fi->fh, static_cast<std::uint64_t>(offset), std::span(buffer.data(), size),
                           static_cast<std::uint32_t>(fi->flags), CallerOf(req));
  if (!done.ok()) return ReplyError(req, done.status());
  fuse_reply_buf(req, reinterpret_cast<const char*>(buffer.data()), *done);
}

void OnWrite(fuse_req_t req, fuse_ino_t /*ino*/, const char* data, size_t size, off_t offset, fuse_file_info* fi) {
  // Payload work an observer postpones (the op log's hash, when the backend
  // did not compute it) runs after the reply: `data` lives in this worker's
  // request buffer, which libfuse reuses only after we return.
  AfterReply after_reply;
  auto done = Fs(req).Write(fi->fh, static_cast<std::uint64_t>(offset),
                            std::span(reinterpret_cast<const std::byte*>(data), size),
                            static_cast<std::uint32_t>(fi->flags), CallerOf(req), &after_reply);
  if (!done.ok()) {
    ReplyError(req, done.status());
  } else {
    fuse_reply_write(req, *done);
  }
  after_reply.Run();
}

void OnFlush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  ReplyError(req, Fs(req).Flush(fi->fh, CallerOf(req)));
}

void OnFsync(fuse_req_t req, fuse_ino_t /*ino*/, int datasync, fuse_file_info* fi) {
  ReplyError(req, Fs(req).Fsync(fi->fh, datasync != 0, CallerOf(req)));
}

void OnFallocate(fuse_req_t req, fuse_ino_t /*ino*/, int mode, off_t offset, off_t length, fuse_file_info* fi) {
  ReplyError(req, Fs(req).Fallocate(fi->fh, mode, static_cast<std::uint64_t>(offset),
                                    static_cast<std::uint64_t>(length), CallerOf(req)));
}

void OnRelease(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Fs(req).Release(fi->fh, CallerOf(req));
  fuse_reply_err(req, 0);
}

fuse_lowlevel_ops MakeOps() {
  fuse_lowlevel_ops ops{};
  ops.init = OnInit;
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
  ops.create = OnCreate;
  ops.open = OnOpen;
  ops.read = OnRead;
  ops.write = OnWrite;
  ops.flush = OnFlush;
  ops.fsync = OnFsync;
  ops.fallocate = OnFallocate;
  ops.release = OnRelease;
  return ops;
}

// fuse_args wants mutable C strings that outlive the session.
struct FuseArgv {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
  fuse_args args{};

  explicit FuseArgv(std::vector<std::string> argv) : strings(std::move(argv)) {
    for (std::string& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    args = FUSE_ARGS_INIT(static_cast<int>(strings.size()), pointers.data());
  }
};

}  // namespace

int ServeFuse(DioFilesystem& fs, const DaemonOptions& options, const std::function<void()>& on_serve) {
  if (dioh::Status status = CheckMountpoint(options.mountpoint); !status.ok()) {
    std::fprintf(stderr, "diofs: error: %s\n", status.message().c_str());
    return 2;
  }
  if (options.allow_other) {
    std::string fuse_conf;
    if (FILE* f = std::fopen("/etc/fuse.conf", "re")) {
      char chunk[4096];
      for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) fuse_conf.append(chunk, n);
      std::fclose(f);
    }
    if (dioh::Status status = CheckAllowOther(geteuid() == 0, fuse_conf); !status.ok()) {
      std::fprintf(stderr, "diofs: error: %s\n", status.message().c_str());
      return 2;
    }
  }
  const std::string mount_options = FuseMountOptions(options);
  FuseArgv argv({"diofs", "-o", mount_options});
  const fuse_lowlevel_ops ops = MakeOps();
  fuse_session* session = fuse_session_new(&argv.args, &ops, sizeof(ops), &fs);
  if (session == nullptr) {
    std::fprintf(stderr, "diofs: error: bad FUSE options '%s'\n", mount_options.c_str());
    return 2;
  }
  if (fuse_set_signal_handlers(session) != 0 || fuse_session_mount(session, options.mountpoint.c_str()) != 0) {
    std::fprintf(stderr, "diofs: error: cannot mount on '%s' (is /dev/fuse usable? fuse3 installed?)\n",
                 options.mountpoint.c_str());
    fuse_remove_signal_handlers(session);
    fuse_session_destroy(session);
    return 2;
  }
  if (options.ready_fd >= 0) {
    const char ready = 'R';
    (void)!write(options.ready_fd, &ready, 1);
    close(options.ready_fd);
  }
  (void)fuse_daemonize(options.foreground ? 1 : 0);
  if (on_serve) on_serve();
  int rc;
  if (options.single_threaded) {
    rc = fuse_session_loop(session);
  } else {
    fuse_loop_config* loop = fuse_loop_cfg_create();
    fuse_loop_cfg_set_clone_fd(loop, 1);  // one /dev/fuse descriptor per worker thread
    fuse_loop_cfg_set_max_threads(loop, 64);
    rc = fuse_session_loop_mt(session, loop);
    fuse_loop_cfg_destroy(loop);
  }
  // libfuse's signal handler records the signal as the session's error, so
  // the loop returns it: SIGINT, SIGTERM and SIGHUP are a clean stop.
  const bool clean = rc == 0 || rc == SIGINT || rc == SIGTERM || rc == SIGHUP;
  if (!clean) std::fprintf(stderr, "diofs: the FUSE session ended with error %d\n", rc);
  fuse_session_unmount(session);
  fuse_remove_signal_handlers(session);
  fuse_session_destroy(session);
  return clean ? 0 : 1;
}

}  // namespace diofs
