// DioFilesystem: the namespace operations and the event plumbing. Data
// transfers are in filesystem_io.cc, /.diofs/ in control_files.cc.
#include "fs/core/filesystem.h"

#include <fcntl.h>
#include <linux/fs.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "fs/core/monotonic_clock.h"

namespace diofs {
namespace {

dioh::Status NoEntry() { return dioh::Status::Error(ENOENT, "no such file or directory"); }

std::int64_t ResultOf(const dioh::Status& status) { return status.ok() ? 0 : -status.code(); }

// A name the kernel may send us, but that must never reach a backend.
bool IsBadName(const std::string& name) {
  return name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos;
}

}  // namespace

DioFilesystem::DioFilesystem(std::unique_ptr<Backend> backend, ProfileSwitch profile,
                             std::vector<OpObserver*> observers, const SimOptions& sim)
    : backend_(std::move(backend)),
      observers_(std::move(observers)),
      hash_payloads_(std::any_of(observers_.begin(), observers_.end(),
                                 [](const OpObserver* o) { return o->WantsPayloadXxh3(); })),
      profile_(std::make_shared<const ProfileSwitch>(std::move(profile))),
      sim_(sim.device, sim.faults, sim.sleeper),
      volatile_(sim.volatile_data ? std::make_shared<VolatileLayer>() : nullptr) {}

dioh::Result<std::uint64_t> DioFilesystem::Crash(bool torn, std::uint64_t seed) {
  if (!volatile_) return dioh::Status::Error(EINVAL, "diofs runs without --volatile: nothing is volatile");
  auto undone = volatile_->Crash(torn, seed);
  OpEvent event = Begin(OpKind::kMarker, Caller{});
  const std::string text = std::string(torn ? "crash (torn)" : "crash") + ": " +
                           (undone.ok() ? std::to_string(*undone) + " unsynced changes lost" : undone.status().message());
  event.text = text;
  Emit(event);
  return undone;
}

std::optional<Fault> DioFilesystem::DecideFault(OpKind kind, const std::string& path, std::uint32_t flags,
                                                std::uint64_t offset, std::uint64_t length, const Caller& caller) {
  auto fault = sim_.Decide({kind, path, (flags & O_DIRECT) != 0, offset, length});
  if (fault) {
    OpEvent event = Begin(OpKind::kFault, caller);
    event.path = path;
    event.offset = offset;
    event.length = length;
    event.flags = flags;
    event.aux = static_cast<std::uint32_t>(kind);
    const std::string text = StorageSim::Describe(*fault);
    event.text = text;
    Emit(event);
  }
  return fault;
}

dioh::Status DioFilesystem::InjectOther(OpKind kind, const std::string& path, const Caller& caller) {
  return sim_.Other(DecideFault(kind, path, 0, 0, 0, caller));
}

dioh::Status DioFilesystem::ControlError(dioh::Status status) {
  {
    std::lock_guard lock(error_mutex_);
    last_control_error_ = status.message();
  }
  if (control_error_sink_) control_error_sink_(status.message());
  // A refused control write is EINVAL whatever the parser said (FAULTS.md):
  // a size too large was ERANGE, which control_files_fuzz caught.
  return dioh::Status::Error(EINVAL, status.message());
}

DioFilesystem::~DioFilesystem() = default;

OpEvent DioFilesystem::Begin(OpKind kind, const Caller& caller) {
  OpEvent event;
  event.kind = kind;
  event.start_ns = MonotonicNs();
  event.pid = caller.pid;
  event.tid = caller.tid;
  event.pgid = caller.pgid;
  return event;
}

void DioFilesystem::Emit(OpEvent& event) {
  event.end_ns = MonotonicNs();
  counters_.OnOp(event);
  for (OpObserver* observer : observers_) observer->OnOp(event);
}

std::shared_ptr<const ProfileSwitch> DioFilesystem::CurrentProfile() const {
  std::lock_guard lock(profile_mutex_);
  return profile_;
}

ProfileSwitch DioFilesystem::profile() const { return *CurrentProfile(); }

std::optional<std::string> DioFilesystem::ChildPath(std::uint64_t parent, const std::string& name) const {
  if (IsBadName(name)) return std::nullopt;
  auto dir = inodes_.PathOf(parent);
  if (!dir) return std::nullopt;
  // "/.diofs" belongs to the control folder: no backend file may take it.
  if (*dir == "/" && name == ".diofs") return std::nullopt;
  return JoinPath(*dir, name);
}

dioh::Result<NewOwner> DioFilesystem::OwnerOfChild(std::uint64_t parent, mode_t mode, const Caller& caller) const {
  auto dir = inodes_.PathOf(parent);
  if (!dir) return NoEntry();
  auto attr = backend_->Stat(*dir);
  if (!attr.ok()) return attr.status();
  return OwnerOfNewNode(caller.credentials, attr->mode, attr->gid, mode);
}

dioh::Result<Entry> DioFilesystem::Lookup(std::uint64_t parent, const std::string& name) {
  if (auto control = LookupControl(parent, name)) return *control;
  auto path = ChildPath(parent, name);
  if (!path) return NoEntry();
  auto attr = backend_->Stat(*path);
  if (!attr.ok()) return attr.status();
  return Entry{inodes_.Lookup(*path, attr->key), *attr};
}

void DioFilesystem::Forget(std::uint64_t ino, std::uint64_t lookups) { inodes_.Forget(ino, lookups); }

dioh::Result<NodeAttr> DioFilesystem::GetAttr(std::uint64_t ino, std::optional<std::uint64_t> fh) {
  if (auto control = ControlAttr(ino)) return *control;
  auto path = inodes_.PathOf(ino);
  std::shared_ptr<BackendFile> file;
  if (fh) {
    if (auto handle = handles_.Get(*fh)) file = handle->file;
  }
  // fstat() of an unlinked file: the kernel's GETATTR names the inode and
  // no handle, and the inode has no path any more (ext4 still answers).
  if (!file && !path) file = handles_.FileOf(ino);
  if (!file) return path ? backend_->Stat(*path) : NoEntry();
  auto attr = file->Stat();
  if (attr.ok() && !path) attr->nlink = 0;  // as st_nlink of an unlinked file
  return attr;
}

dioh::Result<NodeAttr> DioFilesystem::SetAttr(std::uint64_t ino, std::optional<std::uint64_t> fh,
                                              const SetAttrRequest& request, const Caller& caller) {
  if (ControlAttr(ino)) {
    // Truncating a control file (shell redirection opens with O_TRUNC) is harmless.
    if (request.mode || request.uid || request.gid || request.atime || request.mtime) {
      return dioh::Status::Error(EPERM, "control file");
    }
    return *ControlAttr(ino);
  }
  const auto path = inodes_.PathOf(ino);
  auto handle = fh ? handles_.Get(*fh) : nullptr;
  if (!path && !(handle && handle->file)) return NoEntry();
  if (request.size) {
    OpEvent event = Begin(OpKind::kTruncate, caller);
    event.ino = ino;
    event.path = path ? std::string_view(*path) : std::string_view();
    event.fh = fh.value_or(0);
    event.offset = *request.size;
    dioh::Status status = InjectOther(OpKind::kTruncate, path.value_or(""), caller);
    if (status.ok()) {
      status = (handle && handle->file) ? handle->file->Resize(*request.size) : TruncatePath(ino, *path, *request.size);
    }
    event.result = ResultOf(status);
    Emit(event);
    DIOH_RETURN_IF_ERROR(status);
  }
  // Owner before mode: a chown drops set-id bits, and the mode the kernel
  // sends with it is the one to keep.
  if (path && (request.uid || request.gid)) DIOH_RETURN_IF_ERROR(backend_->SetOwner(*path, request.uid, request.gid));
  if (path && request.mode) DIOH_RETURN_IF_ERROR(backend_->SetMode(*path, *request.mode));
  if (path && (request.atime || request.mtime)) {
    DIOH_RETURN_IF_ERROR(backend_->SetTimes(*path, request.atime, request.mtime));
  }
  return GetAttr(ino, fh);
}

dioh::Status DioFilesystem::TruncatePath(std::uint64_t ino, const std::string& path, std::uint64_t size) {
  if (!volatile_) return backend_->Truncate(path, size);
  // truncate(2) by name is as volatile as ftruncate(2): journal it too.
  OpenRequest request;
  request.access = O_WRONLY;
  auto file = backend_->Open(path, request);
  if (!file.ok()) return file.status();
  return volatile_->Wrap(std::move(*file), ino, path)->Resize(size);
}

dioh::Result<Entry> DioFilesystem::MakeDir(std::uint64_t parent, const std::string& name, mode_t mode,
                                           const Caller& caller) {
  return MakeChild(OpKind::kMkdir, parent, name, S_IFDIR | (mode & 07777), mode, {}, caller,
                   [&](const std::string& path, const NewOwner& owner) { return backend_->MakeDir(path, owner); });
}

dioh::Result<Entry> DioFilesystem::MakeChild(OpKind kind, std::uint64_t parent, const std::string& name, mode_t mode,
                                             std::uint32_t aux, std::string_view text, const Caller& caller,
                                             const MakeFunction& make) {
  auto path = ChildPath(parent, name);
  if (!path) return dioh::Status::Error(LookupControl(parent, name) ? EEXIST : EINVAL, "bad name");
  OpEvent event = Begin(kind, caller);
  event.path = *path;
  event.aux = aux;
  event.text = text;
  dioh::Status status = InjectOther(kind, *path, caller);
  auto owner = OwnerOfChild(parent, mode, caller);
  if (status.ok()) status = owner.ok() ? make(*path, *owner) : owner.status();
  dioh::Result<NodeAttr> attr = status.ok() ? backend_->Stat(*path) : dioh::Result<NodeAttr>(status);
  event.result = ResultOf(attr.status());
  if (attr.ok()) event.ino = inodes_.Lookup(*path, attr->key);
  Emit(event);
  if (!attr.ok()) return attr.status();
  return Entry{event.ino, *attr};
}

bool DioFilesystem::HasOtherNames(const std::string& path) {
  auto attr = backend_->Stat(path);
  return attr.ok() && !attr->is_dir() && attr->nlink > 1;
}

dioh::Status DioFilesystem::RemoveDir(std::uint64_t parent, const std::string& name, const Caller& caller) {
  return RemoveName(OpKind::kRmdir, parent, name, caller);
}

dioh::Status DioFilesystem::Unlink(std::uint64_t parent, const std::string& name, const Caller& caller) {
  return RemoveName(OpKind::kUnlink, parent, name, caller);
}

dioh::Status DioFilesystem::RemoveName(OpKind kind, std::uint64_t parent, const std::string& name,
                                       const Caller& caller) {
  auto path = ChildPath(parent, name);
  if (!path) return dioh::Status::Error(LookupControl(parent, name) ? EPERM : EINVAL, "bad name");
  OpEvent event = Begin(kind, caller);
  event.path = *path;
  const auto removed = inodes_.InodeOf(*path);
  // Unsynced data stays volatile while another name reaches it.
  const bool last_name = !volatile_ || !HasOtherNames(*path);
  dioh::Status status = InjectOther(kind, *path, caller);
  if (status.ok()) status = kind == OpKind::kRmdir ? backend_->RemoveDir(*path) : backend_->Unlink(*path);
  if (status.ok()) inodes_.Removed(*path);
  if (status.ok() && removed && volatile_ && last_name) volatile_->Forget(*removed);
  event.result = ResultOf(status);
  Emit(event);
  return status;
}

dioh::Status DioFilesystem::Rename(std::uint64_t parent, const std::string& name, std::uint64_t new_parent,
                                   const std::string& new_name, unsigned flags, const Caller& caller) {
  auto from = ChildPath(parent, name);
  auto to = ChildPath(new_parent, new_name);
  if (!from || !to) return dioh::Status::Error(EPERM, "control files cannot be renamed");
  // RENAME_WHITEOUT is overlayfs'; EXCHANGE with NOREPLACE makes no sense
  // (renameat2(2): EINVAL, as do_renameat2() answers before any filesystem).
  if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0 ||
      flags == (RENAME_NOREPLACE | RENAME_EXCHANGE)) {
    return dioh::Status::Error(EINVAL, "rename flags not supported");
  }
  OpEvent event = Begin(OpKind::kRename, caller);
  event.path = *from;
  event.text = *to;
  event.aux = flags;
  // The node a rename replaces loses its unsynced data, unless the rename
  // is onto another name of the same node (nothing is replaced) or the node
  // keeps other names.
  const std::uint64_t replaced =
      (flags & RENAME_EXCHANGE) == 0 && volatile_ ? inodes_.InodeOf(*to).value_or(0) : 0;
  const bool forget = replaced != 0 && replaced != inodes_.InodeOf(*from).value_or(0) && !HasOtherNames(*to);
  dioh::Status status = InjectOther(OpKind::kRename, *from, caller);
  if (status.ok()) status = backend_->Rename(*from, *to, flags);
  if (status.ok() && forget) volatile_->Forget(replaced);
  if (status.ok()) {
    if ((flags & RENAME_EXCHANGE) != 0) {
      inodes_.Exchanged(*from, *to);
    } else {
      inodes_.Renamed(*from, *to);
    }
  }
  event.result = ResultOf(status);
  Emit(event);
  return status;
}

dioh::Result<std::uint64_t> DioFilesystem::OpenDir(std::uint64_t ino) {
  auto handle = std::make_shared<OpenHandle>();
  handle->ino = ino;
  handle->listing = {{".", S_IFDIR}, {"..", S_IFDIR}};
  if (ControlAttr(ino)) {
    if (!ControlAttr(ino)->is_dir()) return dioh::Status::Error(ENOTDIR, "not a directory");
    for (DirEntry& e : ControlListing()) handle->listing.push_back(std::move(e));
  } else {
    auto path = inodes_.PathOf(ino);
    if (!path) return NoEntry();
    auto entries = backend_->List(*path);
    if (!entries.ok()) return entries.status();
    for (DirEntry& e : *entries) {
      if (*path == "/" && e.name == ".diofs") continue;  // shadowed by the control folder
      handle->listing.push_back(std::move(e));
    }
  }
  return handles_.Add(std::move(handle));
}

dioh::Result<std::vector<DirEntry>> DioFilesystem::ReadDir(std::uint64_t fh, std::size_t index) {
  auto handle = handles_.Get(fh);
  if (!handle) return dioh::Status::Error(EBADF, "no such folder handle");
  if (index >= handle->listing.size()) return std::vector<DirEntry>{};
  return std::vector<DirEntry>(handle->listing.begin() + static_cast<std::ptrdiff_t>(index), handle->listing.end());
}

void DioFilesystem::ReleaseDir(std::uint64_t fh) { (void)handles_.Remove(fh); }

dioh::Result<FsUsage> DioFilesystem::StatFs() { return backend_->Usage(); }

}  // namespace diofs
