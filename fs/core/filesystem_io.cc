// DioFilesystem: opens and data transfers, where the O_DIRECT rules apply.
#include <fcntl.h>
#include <linux/falloc.h>

#include <cerrno>
#include <cstring>

#include "fs/core/filesystem.h"
#include "fs/core/op_names.h"

namespace diofs {
namespace {

std::int64_t ResultOf(const dioh::Status& status) { return status.ok() ? 0 : -status.code(); }

dioh::Status BadHandle() { return dioh::Status::Error(EBADF, "no such file handle"); }

// The modes a FUSE mount passes on (fuse_file_fallocate() refuses the
// others with EOPNOTSUPP), so that both backends answer alike: the
// passthrough folder's filesystem might know COLLAPSE_RANGE, the mount never
// sends it. PUNCH_HOLE needs KEEP_SIZE and excludes ZERO_RANGE (vfs_fallocate()).
dioh::Status CheckFallocateMode(int mode) {
  if ((mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
    return dioh::Status::Error(EOPNOTSUPP, "fallocate mode " + std::to_string(mode) + " is not supported");
  }
  if ((mode & FALLOC_FL_PUNCH_HOLE) != 0 && (mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE)) != FALLOC_FL_KEEP_SIZE) {
    return dioh::Status::Error(EOPNOTSUPP, "FALLOC_FL_PUNCH_HOLE needs FALLOC_FL_KEEP_SIZE, and no ZERO_RANGE");
  }
  return dioh::Status::Ok();
}

dioh::Status Rejected(Rule rule) {
  return dioh::Status::Error(EINVAL, std::string("O_DIRECT rule broken: ") + std::string(RuleName(rule)));
}

}  // namespace

dioh::Result<Opened> DioFilesystem::Create(std::uint64_t parent, const std::string& name, mode_t mode,
                                           std::uint32_t flags, const Caller& caller) {
  auto path = ChildPath(parent, name);
  if (!path) return dioh::Status::Error(LookupControl(parent, name) ? EEXIST : EINVAL, "bad name");
  auto owner = OwnerOfChild(parent, S_IFREG | (mode & 07777), caller);
  if (!owner.ok()) return owner.status();
  return OpenPath(*path, std::nullopt, flags, mode, *owner, caller);
}

dioh::Result<Opened> DioFilesystem::Open(std::uint64_t ino, std::uint32_t flags, const Caller& caller) {
  if (ControlAttr(ino)) return OpenControl(ino, flags);
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  return OpenPath(*path, ino, flags, 0, NewOwner{}, caller);
}

dioh::Result<Opened> DioFilesystem::OpenPath(const std::string& path, std::optional<std::uint64_t> ino,
                                             std::uint32_t flags, mode_t mode, const NewOwner& new_file,
                                             const Caller& caller) {
  const bool create = !ino;
  OpEvent event = Begin(create ? OpKind::kCreate : OpKind::kOpen, caller);
  event.path = path;
  event.flags = flags;
  event.aux = mode;
  const RuleVerdict verdict = CheckOpen(CurrentProfile()->profile, flags);
  event.rule = verdict.rule;
  event.verdict = verdict.verdict;
  dioh::Result<Opened> opened = Rejected(verdict.rule);
  dioh::Status injected = verdict.verdict == Verdict::kRejected
                              ? dioh::Status::Ok()
                              : InjectOther(create ? OpKind::kCreate : OpKind::kOpen, path, caller);
  if (!injected.ok()) opened = injected;
  if (verdict.verdict != Verdict::kRejected && injected.ok()) {
    OpenRequest request;
    request.access = static_cast<int>(flags & O_ACCMODE);
    request.create = create;
    request.exclusive = create && (flags & O_EXCL) != 0;
    request.truncate = (flags & O_TRUNC) != 0;
    request.new_file = new_file;
    auto file = backend_->Open(path, request);
    auto attr = file.ok() ? (*file)->Stat() : dioh::Result<NodeAttr>(file.status());
    if (attr.ok()) {
      auto handle = std::make_shared<OpenHandle>();
      // A create answers with an entry, which the kernel counts as a lookup.
      handle->ino = create ? inodes_.Lookup(path, attr->key) : *ino;
      handle->open_flags = flags;
      handle->last_flags.store(flags, std::memory_order_relaxed);
      handle->file = volatile_ ? volatile_->Wrap(std::move(*file), handle->ino, path) : std::move(*file);
      const std::uint64_t handle_ino = handle->ino;
      const std::uint64_t fh = handles_.Add(std::move(handle));
      opened = Opened{Entry{handle_ino, *attr}, fh, (flags & O_DIRECT) != 0};
    } else {
      opened = attr.status();
    }
  }
  event.result = ResultOf(opened.status());
  if (opened.ok()) {
    event.ino = opened->entry.ino;
    event.fh = opened->fh;
  }
  Emit(event);
  return opened;
}

OpEvent DioFilesystem::HandleEvent(OpKind kind, const OpenHandle& handle, std::uint64_t fh,
                                   const std::string& path, const Caller& caller) {
  OpEvent event = Begin(kind, caller);
  event.ino = handle.ino;
  event.path = path;
  event.fh = fh;
  event.flags = handle.last_flags.load(std::memory_order_relaxed);
  return event;
}

RuleVerdict DioFilesystem::CheckTransferEvent(OpEvent& event, std::uint64_t offset, std::uint64_t length) const {
  event.offset = offset;
  event.length = length;
  const auto profile = CurrentProfile();
  const RuleVerdict verdict = CheckTransfer(profile->profile, profile->on_violation, event.flags, offset, length);
  event.rule = verdict.rule;
  event.verdict = verdict.verdict;
  return verdict;
}

void DioFilesystem::NoteFlags(OpenHandle& handle, std::uint64_t fh, const std::string& path, std::uint32_t flags,
                              const Caller& caller) {
  // Only what fcntl(F_SETFL) can change counts (fcntl(2); the kernel's
  // SETFL_MASK): the open-only flags (O_CREAT, O_TRUNC...) never arrive
  // with a transfer, and the kernel adds O_LARGEFILE of its own.
  constexpr std::uint32_t kSetFlMask = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;
  // The usual case, unchanged flags, only reads: channels writing through one
  // handle do not bounce its cache line with a store per transfer.
  if (handle.last_flags.load(std::memory_order_relaxed) == flags) return;
  const std::uint32_t before = handle.last_flags.exchange(flags, std::memory_order_relaxed);
  if ((before & kSetFlMask) == (flags & kSetFlMask)) return;
  OpEvent event = HandleEvent(OpKind::kFlagChange, handle, fh, path, caller);
  event.aux = before;
  Emit(event);
}

dioh::Result<std::size_t> DioFilesystem::Read(std::uint64_t fh, std::uint64_t offset, std::span<std::byte> out,
                                              std::uint32_t flags, const Caller& caller) {
  auto handle = handles_.Get(fh);
  if (!handle) return BadHandle();
  if (handle->control != ControlFile::kNone) {
    const std::string& text = handle->snapshot;
    if (offset >= text.size()) return std::size_t{0};
    const std::size_t n = std::min(out.size(), static_cast<std::size_t>(text.size() - offset));
    std::memcpy(out.data(), text.data() + offset, n);
    return n;
  }
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  NoteFlags(*handle, fh, path, flags, caller);
  OpEvent event = HandleEvent(OpKind::kRead, *handle, fh, path, caller);
  event.flags = flags;  // this request's, whatever other threads did since
  const RuleVerdict verdict = CheckTransferEvent(event, offset, out.size());
  // The refusal's message is built only for a refusal: not per accepted transfer.
  const auto transfer = [&]() -> dioh::Result<std::size_t> {
    if (verdict.verdict == Verdict::kRejected) return Rejected(verdict.rule);
    auto read = sim_.Read(*handle->file, offset, out, DecideFault(OpKind::kRead, path, flags, offset, out.size(), caller));
    if (read.ok()) sim_.ChargeTransfer((flags & O_DIRECT) != 0, /*write=*/false, *read, event.start_ns);
    return read;
  };
  const dioh::Result<std::size_t> done = transfer();
  event.result = done.ok() ? static_cast<std::int64_t>(*done) : -done.status().code();
  Emit(event);
  return done;
}

dioh::Result<std::size_t> DioFilesystem::Write(std::uint64_t fh, std::uint64_t offset,
                                               std::span<const std::byte> data, std::uint32_t flags,
                                               const Caller& caller, AfterReply* after_reply) {
  auto handle = handles_.Get(fh);
  if (!handle) return BadHandle();
  if (handle->control != ControlFile::kNone) return WriteControl(*handle, data, caller);
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  NoteFlags(*handle, fh, path, flags, caller);
  OpEvent event = HandleEvent(OpKind::kWrite, *handle, fh, path, caller);
  event.flags = flags;  // this request's, whatever other threads did since
  event.data = data;
  event.after_reply = after_reply;
  const RuleVerdict verdict = CheckTransferEvent(event, offset, data.size());
  const auto transfer = [&]() -> dioh::Result<std::size_t> {
    if (verdict.verdict == Verdict::kRejected) return Rejected(verdict.rule);
    // The kernel drops set-id bits before a buffered write reaches diofs,
    // but not before an FOPEN_DIRECT_IO one (ModeAfterWrite).
    if (!caller.credentials.privileged()) DIOH_RETURN_IF_ERROR(handle->file->RemoveSetIdBits(caller.credentials));
    auto written = sim_.Write(*handle->file, offset, data,
                              DecideFault(OpKind::kWrite, path, flags, offset, data.size(), caller),
                              hash_payloads_ ? &event.data_xxh3 : nullptr);
    if (written.ok()) sim_.ChargeTransfer((flags & O_DIRECT) != 0, /*write=*/true, *written, event.start_ns);
    return written;
  };
  const dioh::Result<std::size_t> done = transfer();
  event.result = done.ok() ? static_cast<std::int64_t>(*done) : -done.status().code();
  Emit(event);
  return done;
}

dioh::Status DioFilesystem::Flush(std::uint64_t fh, const Caller& caller) {
  auto handle = handles_.Get(fh);
  if (!handle) return BadHandle();
  if (handle->control != ControlFile::kNone) return dioh::Status::Ok();
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  OpEvent event = HandleEvent(OpKind::kFlush, *handle, fh, path, caller);
  const dioh::Status status = InjectOther(OpKind::kFlush, path, caller);
  event.result = ResultOf(status);
  Emit(event);
  return status;
}

dioh::Status DioFilesystem::Fsync(std::uint64_t fh, bool data_only, const Caller& caller) {
  auto handle = handles_.Get(fh);
  if (!handle) return BadHandle();
  if (handle->control != ControlFile::kNone) return dioh::Status::Ok();
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  OpEvent event = HandleEvent(OpKind::kFsync, *handle, fh, path, caller);
  event.aux = data_only ? 1 : 0;
  dioh::Status status = InjectOther(OpKind::kFsync, path, caller);
  // A failed fsync loses the dirty data, as Linux marks the pages it could
  // not write back clean (the "fsyncgate" behaviour).
  if (!status.ok() && volatile_) (void)volatile_->Drop(handle->ino);
  if (status.ok()) status = handle->file->Sync(data_only);
  if (status.ok()) sim_.ChargeFsync();
  event.result = ResultOf(status);
  Emit(event);
  return status;
}

dioh::Status DioFilesystem::Fallocate(std::uint64_t fh, int mode, std::uint64_t offset, std::uint64_t length,
                                      const Caller& caller) {
  auto handle = handles_.Get(fh);
  if (!handle) return BadHandle();
  if (handle->control != ControlFile::kNone) return dioh::Status::Error(EOPNOTSUPP, "control file");
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  OpEvent event = HandleEvent(OpKind::kFallocate, *handle, fh, path, caller);
  event.offset = offset;
  event.length = length;
  event.aux = static_cast<std::uint32_t>(mode);
  dioh::Status status = CheckFallocateMode(mode);
  if (status.ok()) status = InjectOther(OpKind::kFallocate, path, caller);
  if (status.ok()) status = handle->file->Allocate(mode, offset, length);
  event.result = ResultOf(status);
  Emit(event);
  return status;
}

void DioFilesystem::Release(std::uint64_t fh, const Caller& caller) {
  auto handle = handles_.Remove(fh);
  if (!handle || handle->control != ControlFile::kNone) return;
  const std::string path = inodes_.PathOf(handle->ino).value_or("");
  // The last handle of an unlinked file: what it wrote since can never come
  // back either (VolatileLayer::Forget).
  if (path.empty() && volatile_ && !handles_.FileOf(handle->ino)) volatile_->Forget(handle->ino);
  OpEvent event = HandleEvent(OpKind::kRelease, *handle, fh, path, caller);
  Emit(event);
}

}  // namespace diofs
