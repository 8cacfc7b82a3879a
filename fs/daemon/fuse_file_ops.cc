// The FUSE handlers of files: open, create, transfers, sync, fallocate, release.
#include <vector>

#include "fs/daemon/fuse_ops.h"

namespace diofs::fuse_ops {
namespace {

void OnCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  auto opened = Fs(req).Create(parent, name, mode, static_cast<std::uint32_t>(fi->flags), CallerOf(req));
  if (!opened.ok()) return ReplyError(req, opened.status());
  ReplyOpened(req, *opened, /*create=*/true);
}

void OnOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  auto opened = Fs(req).Open(ino, static_cast<std::uint32_t>(fi->flags), CallerOf(req));
  if (!opened.ok()) return ReplyError(req, opened.status());
  ReplyOpened(req, *opened, /*create=*/false);
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

}  // namespace

void SetFileOps(fuse_lowlevel_ops& ops) {
  ops.create = OnCreate;
  ops.open = OnOpen;
  ops.read = OnRead;
  ops.write = OnWrite;
  ops.flush = OnFlush;
  ops.fsync = OnFsync;
  ops.fallocate = OnFallocate;
  ops.release = OnRelease;
}

}  // namespace diofs::fuse_ops
