// DioFilesystem: extended attributes, kept by the backend (xattr.h). The
// kernel has already checked the caller's permission (xattr_permission():
// write access for "user.", CAP_SYS_ADMIN for "trusted.", "user." only on
// files and folders); diofs checks the name and answers the size protocol.
#include <cerrno>

#include "fs/core/filesystem.h"

namespace diofs {
namespace {

dioh::Status ControlFileXattr() {
  return dioh::Status::Error(EOPNOTSUPP, "control files keep no extended attributes");
}

}  // namespace

dioh::Result<XattrReply> DioFilesystem::GetXattr(std::uint64_t ino, const std::string& name,
                                                 std::size_t buffer_size) {
  DIOH_RETURN_IF_ERROR(CheckXattrName(name));
  if (ControlAttr(ino)) return dioh::Status::Error(ENODATA, "control files keep no extended attributes");
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  auto value = backend_->GetXattr(*path, name);
  if (!value.ok()) return value.status();
  return FitXattrReply(std::move(*value), buffer_size);
}

dioh::Status DioFilesystem::SetXattr(std::uint64_t ino, const std::string& name, std::string_view value, int flags) {
  DIOH_RETURN_IF_ERROR(CheckXattrName(name));
  if (ControlAttr(ino)) return ControlFileXattr();
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  return backend_->SetXattr(*path, name, value, flags);
}

dioh::Result<XattrReply> DioFilesystem::ListXattr(std::uint64_t ino, std::size_t buffer_size, const Caller& caller) {
  if (ControlAttr(ino)) return FitXattrReply("", buffer_size);
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  auto names = backend_->ListXattr(*path);
  if (!names.ok()) return names.status();
  std::erase_if(*names, [&](const std::string& n) { return !XattrListedFor(n, caller.credentials.privileged()); });
  return FitXattrReply(XattrNameList(*names), buffer_size);
}

dioh::Status DioFilesystem::RemoveXattr(std::uint64_t ino, const std::string& name) {
  DIOH_RETURN_IF_ERROR(CheckXattrName(name));
  if (ControlAttr(ino)) return ControlFileXattr();
  auto path = inodes_.PathOf(ino);
  if (!path) return dioh::Status::Error(ENOENT, "no such file");
  return backend_->RemoveXattr(*path, name);
}

}  // namespace diofs
