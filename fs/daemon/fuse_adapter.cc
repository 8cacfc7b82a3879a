#include "fs/daemon/fuse_adapter.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "fs/daemon/fuse_ops.h"

namespace diofs {
namespace {

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

fuse_lowlevel_ops MakeOps() {
  fuse_lowlevel_ops ops{};
  ops.init = OnInit;
  fuse_ops::SetNamespaceOps(ops);
  fuse_ops::SetFileOps(ops);
  fuse_ops::SetNodeOps(ops);
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
  fuse_ops::SetOpenReplyPolicy({options.parallel_direct_writes, options.direct_io_all});
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
    fuse_loop_cfg_set_max_threads(loop, options.max_threads);
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
