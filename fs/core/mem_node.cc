#include "fs/core/mem_node.h"

#include <cerrno>
#include <ctime>

namespace diofs {

timespec RealTimeNow() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

NodeAttr MemNode::Attr() const {
  NodeAttr attr;
  attr.mode = mode;
  attr.uid = uid;
  attr.gid = gid;
  attr.atime = atime;
  attr.mtime = mtime;
  attr.ctime = ctime;
  attr.key = NodeKey{0, id};
  attr.nlink = links;
  if (data) {
    attr.size = data->size();
    attr.blocks = data->allocated_pages() * (MemFile::kPageSize / 512);
  } else if (S_ISDIR(mode)) {
    attr.size = 4096;
    // "." and its name in the parent, and each subfolder's "..".
    attr.nlink = 2;
    for (const auto& [name, child] : children) attr.nlink += S_ISDIR(child->mode) ? 1 : 0;
  } else if (S_ISLNK(mode)) {
    attr.size = target.size();  // lstat(2): the length of the target
  }
  return attr;
}

dioh::Status MemBackendFile::Allocate(int mode, std::uint64_t offset, std::uint64_t length) {
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) {
    return dioh::Status::Error(EFBIG, "fallocate beyond the largest file size");
  }
  return node_->data->Allocate(mode, offset, length);
}

dioh::Status MemBackendFile::Resize(std::uint64_t size) {
  if (size > kMaxFileSize) return dioh::Status::Error(EFBIG, "size beyond the largest file size");
  node_->data->Resize(size);
  return dioh::Status::Ok();
}

dioh::Result<NodeAttr> MemBackendFile::Stat() {
  std::lock_guard lock(tree_mutex_);
  return node_->Attr();
}

dioh::Status MemBackendFile::RemoveSetIdBits(const Credentials& writer) {
  if (writer.privileged()) return dioh::Status::Ok();
  std::lock_guard lock(tree_mutex_);
  if (auto kept = ModeAfterWrite(node_->mode, writer)) {
    node_->mode = *kept;
    node_->ctime = RealTimeNow();
  }
  return dioh::Status::Ok();
}

dioh::Result<std::size_t> MemBackendFile::Write(std::uint64_t offset, std::span<const std::byte> data,
                                                std::optional<std::uint64_t>* xxh3) {
  if (offset > UINT64_MAX - data.size() || offset + data.size() > kMaxFileSize) {
    return dioh::Status::Error(EFBIG, "write beyond the largest file size");
  }
  return node_->data->WriteAt(offset, data, xxh3);
}

}  // namespace diofs
