// The nodes of the mem backend's tree (folders, files, symlinks, FIFOs and
// sockets) and the open file a handle holds. The tree itself, and the lock
// that guards every MemNode field below, are the backend's (mem_backend.cc).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "fs/core/backend.h"
#include "fs/core/mem_file.h"
#include "fs/core/xattr.h"

namespace diofs {

timespec RealTimeNow();

struct MemNode {
  std::uint64_t id = 0;  // NodeKey::ino, unique within the backend
  mode_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  // Names in folders (link(2) adds one, unlink(2) takes one); folders count
  // theirs from their subfolders, as ext4 and tmpfs do.
  std::uint32_t links = 1;
  timespec atime = RealTimeNow(), mtime = atime, ctime = atime;
  std::map<std::string, std::shared_ptr<MemNode>, std::less<>> children;  // folders
  std::shared_ptr<MemFile> data;                                          // regular files
  std::string target;                                                     // symlinks
  XattrMap xattrs;

  NodeAttr Attr() const;
};

// A handle keeps its MemFile alive: an unlinked file stays readable and
// writable through descriptors opened before the unlink, as on any POSIX fs.
class MemBackendFile final : public BackendFile {
 public:
  static constexpr std::uint64_t kMaxFileSize = 1ull << 50;  // 1 PiB: far beyond any test

  // `tree_mutex` is the backend's: it guards mode, owner and times (the backend outlives its files).
  MemBackendFile(std::shared_ptr<MemNode> node, std::mutex& tree_mutex)
      : node_(std::move(node)), tree_mutex_(tree_mutex) {}

  dioh::Result<std::size_t> ReadAt(std::uint64_t offset, std::span<std::byte> out) override {
    return node_->data->ReadAt(offset, out);
  }
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data) override {
    return Write(offset, data, nullptr);
  }
  dioh::Result<std::size_t> WriteAtHashing(std::uint64_t offset, std::span<const std::byte> data,
                                           std::optional<std::uint64_t>& xxh3) override {
    return Write(offset, data, &xxh3);
  }
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) override;
  dioh::Status Resize(std::uint64_t size) override;
  dioh::Status Sync(bool /*data_only*/) override { return dioh::Status::Ok(); }  // memory is its own device
  dioh::Result<NodeAttr> Stat() override;
  dioh::Status RemoveSetIdBits(const Credentials& writer) override;

 private:
  dioh::Result<std::size_t> Write(std::uint64_t offset, std::span<const std::byte> data,
                                  std::optional<std::uint64_t>* xxh3);

  std::shared_ptr<MemNode> node_;
  std::mutex& tree_mutex_;
};

}  // namespace diofs
