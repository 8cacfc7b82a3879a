#include "fs/core/mem_backend.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <map>
#include <mutex>

#include "fs/core/mem_file.h"

namespace diofs {
namespace {

timespec Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

dioh::Status Err(int code, std::string_view path, const char* what) {
  return dioh::Status::Error(code, std::string(path) + ": " + what);
}

struct MemNode {
  mode_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  timespec atime = Now(), mtime = atime, ctime = atime;
  std::map<std::string, std::shared_ptr<MemNode>, std::less<>> children;  // directories
  std::shared_ptr<MemFile> data;                                          // files

  NodeAttr Attr() const {
    NodeAttr attr;
    attr.mode = mode;
    attr.uid = uid;
    attr.gid = gid;
    attr.atime = atime;
    attr.mtime = mtime;
    attr.ctime = ctime;
    if (data) {
      attr.size = data->size();
      attr.blocks = data->allocated_pages() * (MemFile::kPageSize / 512);
    } else {
      attr.size = 4096;
      attr.nlink = 2;
    }
    return attr;
  }
};

// A handle keeps its MemFile alive: an unlinked file stays readable and
// writable through descriptors opened before the unlink, as on any POSIX fs.
class MemBackendFile final : public BackendFile {
 public:
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
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) override {
    if (offset > kMaxFileSize || length > kMaxFileSize - offset) {
      return dioh::Status::Error(EFBIG, "fallocate beyond the largest file size");
    }
    return node_->data->Allocate(mode, offset, length);
  }
  dioh::Status Resize(std::uint64_t size) override {
    if (size > kMaxFileSize) return dioh::Status::Error(EFBIG, "size beyond the largest file size");
    node_->data->Resize(size);
    return dioh::Status::Ok();
  }
  dioh::Status Sync(bool /*data_only*/) override { return dioh::Status::Ok(); }  // memory is its own device
  dioh::Result<NodeAttr> Stat() override {
    std::lock_guard lock(tree_mutex_);
    return node_->Attr();
  }
  dioh::Status RemoveSetIdBits(const Credentials& writer) override {
    if (writer.privileged()) return dioh::Status::Ok();
    std::lock_guard lock(tree_mutex_);
    if (auto kept = ModeAfterWrite(node_->mode, writer)) {
      node_->mode = *kept;
      node_->ctime = Now();
    }
    return dioh::Status::Ok();
  }

  static constexpr std::uint64_t kMaxFileSize = 1ull << 50;  // 1 PiB: far beyond any test

 private:
  dioh::Result<std::size_t> Write(std::uint64_t offset, std::span<const std::byte> data,
                                  std::optional<std::uint64_t>* xxh3) {
    if (offset > UINT64_MAX - data.size() || offset + data.size() > kMaxFileSize) {
      return dioh::Status::Error(EFBIG, "write beyond the largest file size");
    }
    return node_->data->WriteAt(offset, data, xxh3);
  }

  std::shared_ptr<MemNode> node_;
  std::mutex& tree_mutex_;  // the backend's: guards mode, owner and times (the backend outlives its files)
};

// Lock order: tree_mutex_, then a MemFile's own lock (taken inside MemFile
// only). Data transfers go through a handle and never take tree_mutex_.
class MemBackend final : public Backend {
 public:
  explicit MemBackend(std::uint64_t capacity_bytes)
      : budget_(std::make_shared<PageBudget>((capacity_bytes + MemFile::kPageSize - 1) / MemFile::kPageSize)),
        root_(std::make_shared<MemNode>()) {
    // The root belongs to whoever mounts, as a new filesystem's root does.
    root_->mode = S_IFDIR | 0755;
    root_->uid = geteuid();
    root_->gid = getegid();
  }

  std::string Describe() const override { return "mem"; }

  dioh::Result<NodeAttr> Stat(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    return node->Attr();
  }

  dioh::Result<std::vector<DirEntry>> List(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such directory");
    if (!S_ISDIR(node->mode)) return Err(ENOTDIR, path, "not a directory");
    std::vector<DirEntry> entries;
    entries.reserve(node->children.size());
    for (const auto& [name, child] : node->children) entries.push_back({name, child->mode & S_IFMT});
    return entries;
  }

  dioh::Result<std::shared_ptr<BackendFile>> Open(std::string_view path, const OpenRequest& request) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (node && request.create && request.exclusive) return Err(EEXIST, path, "file exists");
    if (!node) {
      if (!request.create) return Err(ENOENT, path, "no such file");
      auto [parent, name] = FindParent(path);
      if (!parent) return Err(ENOENT, path, "no such directory");
      node = std::make_shared<MemNode>();
      node->mode = S_IFREG | (request.new_file.mode & 07777);
      node->uid = request.new_file.uid;
      node->gid = request.new_file.gid;
      node->data = std::make_shared<MemFile>(budget_);
      parent->children.emplace(std::string(name), node);
      parent->mtime = parent->ctime = Now();
    } else if (S_ISDIR(node->mode)) {
      return Err(EISDIR, path, "is a directory");
    } else if (request.truncate && request.access != O_RDONLY) {
      node->data->Resize(0);
      node->mtime = node->ctime = Now();
    }
    return std::shared_ptr<BackendFile>(std::make_shared<MemBackendFile>(node, tree_mutex_));
  }

  dioh::Status MakeDir(std::string_view path, const NewOwner& owner) override {
    std::lock_guard lock(tree_mutex_);
    if (Find(path)) return Err(EEXIST, path, "file exists");
    auto [parent, name] = FindParent(path);
    if (!parent) return Err(ENOENT, path, "no such directory");
    auto node = std::make_shared<MemNode>();
    node->mode = S_IFDIR | (owner.mode & 07777);
    node->uid = owner.uid;
    node->gid = owner.gid;
    parent->children.emplace(std::string(name), node);
    parent->mtime = parent->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status RemoveDir(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto [parent, name] = FindParent(path);
    auto it = parent ? parent->children.find(name) : decltype(parent->children.end()){};
    if (!parent || it == parent->children.end()) return Err(ENOENT, path, "no such directory");
    if (!S_ISDIR(it->second->mode)) return Err(ENOTDIR, path, "not a directory");
    if (!it->second->children.empty()) return Err(ENOTEMPTY, path, "directory not empty");
    parent->children.erase(it);
    parent->mtime = parent->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status Unlink(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto [parent, name] = FindParent(path);
    auto it = parent ? parent->children.find(name) : decltype(parent->children.end()){};
    if (!parent || it == parent->children.end()) return Err(ENOENT, path, "no such file");
    if (S_ISDIR(it->second->mode)) return Err(EISDIR, path, "is a directory");
    parent->children.erase(it);
    parent->mtime = parent->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status Rename(std::string_view from, std::string_view to, unsigned flags) override {
    std::lock_guard lock(tree_mutex_);
    auto [from_parent, from_name] = FindParent(from);
    auto [to_parent, to_name] = FindParent(to);
    if (!from_parent || !to_parent) return Err(ENOENT, from_parent ? to : from, "no such directory");
    auto src = from_parent->children.find(from_name);
    if (src == from_parent->children.end()) return Err(ENOENT, from, "no such file or directory");
    // A directory cannot move below itself (rename(2): EINVAL).
    if (to.size() > from.size() && to.substr(0, from.size()) == from && to[from.size()] == '/') {
      return Err(EINVAL, to, "cannot move a directory below itself");
    }
    auto dst = to_parent->children.find(to_name);
    if ((flags & RENAME_EXCHANGE) != 0) {
      if (dst == to_parent->children.end()) return Err(ENOENT, to, "no such file or directory");
      std::swap(src->second, dst->second);
      return dioh::Status::Ok();
    }
    if (dst != to_parent->children.end()) {
      if ((flags & RENAME_NOREPLACE) != 0) return Err(EEXIST, to, "file exists");
      if (dst->second == src->second) return dioh::Status::Ok();
      const bool src_dir = S_ISDIR(src->second->mode), dst_dir = S_ISDIR(dst->second->mode);
      if (dst_dir && !src_dir) return Err(EISDIR, to, "is a directory");
      if (!dst_dir && src_dir) return Err(ENOTDIR, to, "not a directory");
      if (dst_dir && !dst->second->children.empty()) return Err(ENOTEMPTY, to, "directory not empty");
    }
    auto node = src->second;
    from_parent->children.erase(src);
    to_parent->children.insert_or_assign(std::string(to_name), std::move(node));
    from_parent->mtime = to_parent->mtime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status SetMode(std::string_view path, mode_t mode) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    node->mode = (node->mode & S_IFMT) | (mode & 07777);
    node->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status SetOwner(std::string_view path, std::optional<std::uint32_t> uid,
                        std::optional<std::uint32_t> gid) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    if (uid) node->uid = *uid;
    if (gid) node->gid = *gid;
    node->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status SetTimes(std::string_view path, std::optional<timespec> atime,
                        std::optional<timespec> mtime) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    if (atime) node->atime = *atime;
    if (mtime) node->mtime = *mtime;
    node->ctime = Now();
    return dioh::Status::Ok();
  }

  dioh::Status Truncate(std::string_view path, std::uint64_t size) override {
    std::shared_ptr<MemNode> node;
    {
      std::lock_guard lock(tree_mutex_);
      node = Find(path);
      if (!node) return Err(ENOENT, path, "no such file");
      if (!node->data) return Err(EISDIR, path, "is a directory");
      node->mtime = node->ctime = Now();
    }
    return MemBackendFile(node, tree_mutex_).Resize(size);
  }

  dioh::Result<FsUsage> Usage() override {
    FsUsage usage;
    std::uint64_t files = 0;
    {
      std::lock_guard lock(tree_mutex_);
      Count(*root_, files);
    }
    const std::uint64_t used = budget_->used() * MemFile::kPageSize;
    usage.total_bytes = budget_->limit() != 0 ? budget_->limit() * MemFile::kPageSize : kReportedCapacity;
    usage.free_bytes = usage.total_bytes - std::min(usage.total_bytes, used);
    usage.files = files;
    usage.free_files = 1u << 20;
    return usage;
  }

 private:
  // What statfs reports when no capacity is set: 1 TiB, so df shows sane figures.
  static constexpr std::uint64_t kReportedCapacity = 1ull << 40;

  static void Count(const MemNode& node, std::uint64_t& files) {
    ++files;
    for (const auto& [name, child] : node.children) Count(*child, files);
  }

  std::shared_ptr<MemNode> Find(std::string_view path) const {
    std::shared_ptr<MemNode> node = root_;
    std::size_t pos = 1;
    while (pos < path.size()) {
      const std::size_t slash = std::min(path.find('/', pos), path.size());
      if (!S_ISDIR(node->mode)) return nullptr;
      const auto it = node->children.find(path.substr(pos, slash - pos));
      if (it == node->children.end()) return nullptr;
      node = it->second;
      pos = slash + 1;
    }
    return node;
  }

  std::pair<std::shared_ptr<MemNode>, std::string_view> FindParent(std::string_view path) const {
    auto [dir, name] = SplitPath(path);
    auto parent = Find(dir);
    if (!parent || !S_ISDIR(parent->mode) || name.empty()) return {nullptr, name};
    return {parent, name};
  }

  std::shared_ptr<PageBudget> budget_;  // shared with every MemFile
  std::mutex tree_mutex_;  // guards the tree: every MemNode's children, mode, owner and times
  std::shared_ptr<MemNode> root_;
};

}  // namespace

std::unique_ptr<Backend> MakeMemBackend(std::uint64_t capacity_bytes) {
  return std::make_unique<MemBackend>(capacity_bytes);
}

}  // namespace diofs
