// DioFilesystem: symlinks, hard links and special files (FIFOs, unix
// sockets), which test suites make in a TMPDIR as on any filesystem.
#include <sys/stat.h>

#include <cerrno>

#include "fs/core/filesystem.h"

namespace diofs {
namespace {

std::int64_t ResultOf(const dioh::Status& status) { return status.ok() ? 0 : -status.code(); }

}  // namespace

dioh::Result<Entry> DioFilesystem::Symlink(std::uint64_t parent, const std::string& name, const std::string& target,
                                           const Caller& caller) {
  // symlink(2) allows any target but an empty one (ENOENT); the kernel
  // checks that too, a unit test may not.
  if (target.empty()) return dioh::Status::Error(ENOENT, "a symlink needs a target");
  // Owned like any new node (inode_init_owner()); a symlink's mode is 0777.
  return MakeChild(OpKind::kSymlink, parent, name, S_IFLNK | 0777, S_IFLNK | 0777, target, caller,
                   [&](const std::string& path, const NewOwner& owner) {
                     return backend_->Symlink(path, target, owner);
                   });
}

dioh::Result<std::string> DioFilesystem::ReadLink(std::uint64_t ino) {
  if (ControlAttr(ino)) return dioh::Status::Error(EINVAL, "not a symlink");
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  return backend_->ReadLink(*path);
}

dioh::Result<Entry> DioFilesystem::MakeNode(std::uint64_t parent, const std::string& name, mode_t mode,
                                            const Caller& caller) {
  return MakeChild(OpKind::kMknod, parent, name, mode, mode, {}, caller,
                   [&](const std::string& path, const NewOwner& owner) { return backend_->MakeNode(path, owner); });
}

dioh::Result<Entry> DioFilesystem::Link(std::uint64_t ino, std::uint64_t new_parent, const std::string& new_name,
                                        const Caller& caller) {
  if (ControlAttr(ino)) return dioh::Status::Error(EPERM, "control files cannot be linked");
  auto to = ChildPath(new_parent, new_name);
  if (!to) return dioh::Status::Error(LookupControl(new_parent, new_name) ? EEXIST : EINVAL, "bad name");
  auto from = inodes_.PathOf(ino);
  if (!from) return dioh::Status::Error(ENOENT, "the file has no name left to link");  // linkat(2) of an unlinked file
  OpEvent event = Begin(OpKind::kLink, caller);
  event.ino = ino;
  event.path = *from;
  event.text = *to;
  dioh::Status status = InjectOther(OpKind::kLink, *from, caller);
  if (status.ok()) status = backend_->Link(*from, *to);
  dioh::Result<NodeAttr> attr = status.ok() ? backend_->Stat(*to) : dioh::Result<NodeAttr>(status);
  event.result = ResultOf(attr.status());
  Emit(event);
  if (!attr.ok()) return attr.status();
  // The new name is another name of the same inode: the kernel counts the
  // entry it gets back as a lookup of that inode.
  return Entry{inodes_.Lookup(*to, attr->key), *attr};
}

}  // namespace diofs
