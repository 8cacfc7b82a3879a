// DioFilesystem: diofs without FUSE. Every FUSE operation the adapter
// receives is one call here, with the caller's process and thread; the
// answer is a value (or a Status whose code is the errno to reply with).
// The O_DIRECT rules, the control files of /.diofs/ and the events for the
// observers (counters, op log) all live here, so unit tests drive the whole
// filesystem without a mount.
//
// Lock order (each a leaf unless said): InodeTable, HandleTable and the
// profile lock are never held together, nor while the backend or an
// observer is called. The backend has its own locks (mem_backend.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "fs/core/backend.h"
#include "fs/core/dio_rules.h"
#include "fs/core/handle_table.h"
#include "fs/core/inode_table.h"
#include "fs/core/op_counters.h"
#include "fs/core/op_event.h"
#include "fs/core/ownership.h"
#include "fs/core/profile.h"
#include "fs/core/storage_sim.h"
#include "fs/core/volatile_layer.h"
#include "fs/core/xattr.h"

namespace diofs {

struct Caller {
  std::uint32_t pid = 0;  // process (thread group)
  std::uint32_t tid = 0;  // thread: what FUSE passes as the request's pid
  // fsuid and fsgid: who owns what this caller creates, and whether its
  // writes drop set-id bits (the kernel checks permissions, not diofs).
  Credentials credentials;
  std::uint32_t pgid = 0;  // the process group (0: unknown)
};

struct Entry {
  std::uint64_t ino = 0;
  NodeAttr attr;
};

struct Opened {
  Entry entry;
  std::uint64_t fh = 0;
  bool direct_io = false;  // the kernel must pass every transfer as issued (FOPEN_DIRECT_IO)
};

struct SetAttrRequest {
  std::optional<std::uint64_t> size;
  std::optional<mode_t> mode;
  std::optional<std::uint32_t> uid;  // chown(2), as the kernel allowed it
  std::optional<std::uint32_t> gid;
  std::optional<timespec> atime;  // UTIME_NOW is resolved by the adapter
  std::optional<timespec> mtime;
};

// The storage simulation diofs starts with (--device, --faults); off by default.
struct SimOptions {
  sim::DeviceSpec device;
  std::shared_ptr<sim::FaultPlan> faults;
  Sleeper sleeper = SleepFor;
  bool volatile_data = false;  // --volatile: unsynced data lives in a layer a crash drops
};

class DioFilesystem {
 public:
  // `observers` see every operation after the counters do; they must outlive this.
  DioFilesystem(std::unique_ptr<Backend> backend, ProfileSwitch profile, std::vector<OpObserver*> observers,
                const SimOptions& sim = {});
  ~DioFilesystem();

  // Namespace.
  dioh::Result<Entry> Lookup(std::uint64_t parent, const std::string& name);
  void Forget(std::uint64_t ino, std::uint64_t lookups);
  dioh::Result<NodeAttr> GetAttr(std::uint64_t ino, std::optional<std::uint64_t> fh);
  dioh::Result<NodeAttr> SetAttr(std::uint64_t ino, std::optional<std::uint64_t> fh, const SetAttrRequest& request,
                                 const Caller& caller);
  dioh::Result<Entry> MakeDir(std::uint64_t parent, const std::string& name, mode_t mode, const Caller& caller);
  dioh::Status RemoveDir(std::uint64_t parent, const std::string& name, const Caller& caller);
  dioh::Status Unlink(std::uint64_t parent, const std::string& name, const Caller& caller);
  dioh::Status Rename(std::uint64_t parent, const std::string& name, std::uint64_t new_parent,
                      const std::string& new_name, unsigned flags, const Caller& caller);
  dioh::Result<std::uint64_t> OpenDir(std::uint64_t ino);
  // The entries of an open folder from `index` on ("." and ".." first).
  dioh::Result<std::vector<DirEntry>> ReadDir(std::uint64_t fh, std::size_t index);
  void ReleaseDir(std::uint64_t fh);
  dioh::Result<FsUsage> StatFs();

  // Links and special files (filesystem_nodes.cc). A symlink, FIFO or
  // socket belongs to its creator as a file does; a hard link is another
  // name of its node, which keeps its owner, inode and (shared) nlink.
  dioh::Result<Entry> Symlink(std::uint64_t parent, const std::string& name, const std::string& target,
                              const Caller& caller);
  dioh::Result<std::string> ReadLink(std::uint64_t ino);
  dioh::Result<Entry> Link(std::uint64_t ino, std::uint64_t new_parent, const std::string& new_name,
                           const Caller& caller);
  // `mode` holds the type: S_IFIFO, S_IFSOCK or S_IFREG (devices: EPERM).
  dioh::Result<Entry> MakeNode(std::uint64_t parent, const std::string& name, mode_t mode, const Caller& caller);

  // Extended attributes (filesystem_xattr.cc, xattr.h). `buffer_size` is
  // the caller's: 0 asks for the size, too small fails with ERANGE.
  dioh::Result<XattrReply> GetXattr(std::uint64_t ino, const std::string& name, std::size_t buffer_size);
  dioh::Status SetXattr(std::uint64_t ino, const std::string& name, std::string_view value, int flags);
  dioh::Result<XattrReply> ListXattr(std::uint64_t ino, std::size_t buffer_size, const Caller& caller);
  dioh::Status RemoveXattr(std::uint64_t ino, const std::string& name);

  // Files.
  dioh::Result<Opened> Create(std::uint64_t parent, const std::string& name, mode_t mode, std::uint32_t flags,
                              const Caller& caller);
  dioh::Result<Opened> Open(std::uint64_t ino, std::uint32_t flags, const Caller& caller);
  // `flags` are the file's flags as they arrive with the request (fi->flags).
  dioh::Result<std::size_t> Read(std::uint64_t fh, std::uint64_t offset, std::span<std::byte> out,
                                 std::uint32_t flags, const Caller& caller);
  // With `after_reply`, observers may postpone payload work (the log's hash)
  // until the caller runs it, after replying, while `data` is still valid.
  dioh::Result<std::size_t> Write(std::uint64_t fh, std::uint64_t offset, std::span<const std::byte> data,
                                  std::uint32_t flags, const Caller& caller, AfterReply* after_reply = nullptr);
  dioh::Status Flush(std::uint64_t fh, const Caller& caller);
  dioh::Status Fsync(std::uint64_t fh, bool data_only, const Caller& caller);
  dioh::Status Fallocate(std::uint64_t fh, int mode, std::uint64_t offset, std::uint64_t length,
                         const Caller& caller);
  void Release(std::uint64_t fh, const Caller& caller);

  // A simulated crash (/.diofs/crash, SIGUSR1): every change not yet fsync'd
  // is lost; with `torn`, each lost write keeps a seeded prefix of sectors.
  // Fails when diofs runs without --volatile. Returns the changes undone.
  dioh::Result<std::uint64_t> Crash(bool torn, std::uint64_t seed);

  // The profile in force (what /.diofs/profile reads, and switches).
  ProfileSwitch profile() const;
  // Gets the reason of every refused control write (besides /.diofs/error),
  // on the thread that served it: a foreground diofs prints it. Set before serving.
  void SetControlErrorSink(std::function<void(const std::string& reason)> sink) { control_error_sink_ = std::move(sink); }
  const OpCounters& counters() const { return counters_; }
  std::size_t open_handles() const { return handles_.size(); }

 private:
  // truncate(2) of a file no handle names (SetAttr without one).
  dioh::Status TruncatePath(std::uint64_t ino, const std::string& path, std::uint64_t size);
  // unlink or rmdir (kind kUnlink or kRmdir).
  dioh::Status RemoveName(OpKind kind, std::uint64_t parent, const std::string& name, const Caller& caller);
  std::optional<std::string> ChildPath(std::uint64_t parent, const std::string& name) const;
  // Owner and mode of a node `caller` makes in folder `parent` (OwnerOfNewNode).
  dioh::Result<NewOwner> OwnerOfChild(std::uint64_t parent, mode_t mode, const Caller& caller) const;
  // Makes the node `name` in `parent` (mkdir, symlink, mknod): one event of
  // `kind` (aux `aux`, text `text`), the fault rules asked, `make` called
  // with the path and the owner OwnerOfChild gives a node of `mode`.
  using MakeFunction = std::function<dioh::Status(const std::string& path, const NewOwner& owner)>;
  dioh::Result<Entry> MakeChild(OpKind kind, std::uint64_t parent, const std::string& name, mode_t mode,
                                std::uint32_t aux, std::string_view text, const Caller& caller,
                                const MakeFunction& make);
  // The node at `path` has other names: removing this one leaves its data
  // reachable (the volatile layer must keep it).
  bool HasOtherNames(const std::string& path);
  // An event for an operation starting now; Emit stamps its end and hands it
  // to the counters and the observers.
  static OpEvent Begin(OpKind kind, const Caller& caller);
  void Emit(OpEvent& event);
  std::shared_ptr<const ProfileSwitch> CurrentProfile() const;
  // Opens `path`: the existing inode `ino`, or, when none, a file to create
  // as `new_file` says (`mode`: what the caller asked for, for the log).
  dioh::Result<Opened> OpenPath(const std::string& path, std::optional<std::uint64_t> ino, std::uint32_t flags,
                                mode_t mode, const NewOwner& new_file, const Caller& caller);
  // An event about an open handle, with the flags of its latest transfer.
  OpEvent HandleEvent(OpKind kind, const OpenHandle& handle, std::uint64_t fh, const std::string& path,
                      const Caller& caller);
  // Sets offset, length, rule and verdict of a transfer event (its flags set).
  RuleVerdict CheckTransferEvent(OpEvent& event, std::uint64_t offset, std::uint64_t length) const;
  // Asks the fault rules about an operation; a fired rule becomes a kFault
  // event naming it (the operation's own event follows).
  std::optional<Fault> DecideFault(OpKind kind, const std::string& path, std::uint32_t flags, std::uint64_t offset,
                                   std::uint64_t length, const Caller& caller);
  // An operation without data: the fault rule's errno or delay, if one fires.
  dioh::Status InjectOther(OpKind kind, const std::string& path, const Caller& caller);
  // Remembers why a control write failed, for /.diofs/error.
  dioh::Status ControlError(dioh::Status status);
  // Records a change of the handle's flags (an fcntl(F_SETFL) between transfers).
  void NoteFlags(OpenHandle& handle, std::uint64_t fh, const std::string& path, std::uint32_t flags,
                 const Caller& caller);

  // /.diofs/ (control_files.cc).
  std::optional<Entry> LookupControl(std::uint64_t parent, const std::string& name) const;
  std::optional<NodeAttr> ControlAttr(std::uint64_t ino) const;
  dioh::Result<Opened> OpenControl(std::uint64_t ino, std::uint32_t flags);
  dioh::Result<std::size_t> WriteControl(OpenHandle& handle, std::span<const std::byte> data, const Caller& caller);
  std::vector<DirEntry> ControlListing() const;

  std::unique_ptr<Backend> backend_;
  std::vector<OpObserver*> observers_;
  const bool hash_payloads_;  // an observer wants XXH3 of each write payload (WantsPayloadXxh3)
  OpCounters counters_;
  InodeTable inodes_;
  HandleTable handles_;
  mutable std::mutex profile_mutex_;  // a leaf lock: guards the pointer, not the profile
  std::shared_ptr<const ProfileSwitch> profile_;
  StorageSim sim_;
  std::shared_ptr<VolatileLayer> volatile_;  // null without --volatile
  mutable std::mutex error_mutex_;  // a leaf lock: guards last_control_error_
  std::string last_control_error_;
  std::function<void(const std::string&)> control_error_sink_;
};

}  // namespace diofs
