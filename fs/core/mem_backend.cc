#include "fs/core/mem_backend.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <map>
#include <mutex>

#include "fs/core/mem_node.h"

namespace diofs {
namespace {

dioh::Status Err(int code, std::string_view path, const char* what) {
  return dioh::Status::Error(code, std::string(path) + ": " + what);
}

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
    root_->id = next_id_++;
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
      auto made = Insert(path, request.new_file, S_IFREG);
      if (!made.ok()) return made.status();
      node = *made;
    } else if (S_ISDIR(node->mode)) {
      return Err(EISDIR, path, "is a directory");
    } else if (S_ISLNK(node->mode)) {
      return Err(ELOOP, path, "is a symlink");  // open(O_NOFOLLOW): the kernel follows links itself
    } else if (!node->data) {
      return Err(ENXIO, path, "is a FIFO or socket");  // the kernel opens those without the filesystem
    } else if (request.truncate && request.access != O_RDONLY) {
      node->data->Resize(0);
      node->mtime = node->ctime = RealTimeNow();
    }
    return std::shared_ptr<BackendFile>(std::make_shared<MemBackendFile>(node, tree_mutex_));
  }

  dioh::Status MakeDir(std::string_view path, const NewOwner& owner) override {
    std::lock_guard lock(tree_mutex_);
    return Insert(path, owner, S_IFDIR).status();
  }

  dioh::Status RemoveDir(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto [parent, name] = FindParent(path);
    auto it = parent ? parent->children.find(name) : decltype(parent->children.end()){};
    if (!parent || it == parent->children.end()) return Err(ENOENT, path, "no such directory");
    if (!S_ISDIR(it->second->mode)) return Err(ENOTDIR, path, "not a directory");
    if (!it->second->children.empty()) return Err(ENOTEMPTY, path, "directory not empty");
    parent->children.erase(it);
    parent->mtime = parent->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status Unlink(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto [parent, name] = FindParent(path);
    auto it = parent ? parent->children.find(name) : decltype(parent->children.end()){};
    if (!parent || it == parent->children.end()) return Err(ENOENT, path, "no such file");
    if (S_ISDIR(it->second->mode)) return Err(EISDIR, path, "is a directory");
    --it->second->links;
    it->second->ctime = RealTimeNow();
    parent->children.erase(it);
    parent->mtime = parent->ctime = RealTimeNow();
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
      from_parent->mtime = to_parent->mtime = RealTimeNow();
      return dioh::Status::Ok();
    }
    if (dst != to_parent->children.end()) {
      if ((flags & RENAME_NOREPLACE) != 0) return Err(EEXIST, to, "file exists");
      if (dst->second == src->second) return dioh::Status::Ok();
      const bool src_dir = S_ISDIR(src->second->mode), dst_dir = S_ISDIR(dst->second->mode);
      if (dst_dir && !src_dir) return Err(EISDIR, to, "is a directory");
      if (!dst_dir && src_dir) return Err(ENOTDIR, to, "not a directory");
      if (dst_dir && !dst->second->children.empty()) return Err(ENOTEMPTY, to, "directory not empty");
      --dst->second->links;  // the replaced node loses this name
    }
    auto node = src->second;
    node->ctime = RealTimeNow();
    from_parent->children.erase(src);
    to_parent->children.insert_or_assign(std::string(to_name), std::move(node));
    from_parent->mtime = to_parent->mtime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status SetMode(std::string_view path, mode_t mode) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    node->mode = (node->mode & S_IFMT) | (mode & 07777);
    node->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status SetOwner(std::string_view path, std::optional<std::uint32_t> uid,
                        std::optional<std::uint32_t> gid) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    if (uid) node->uid = *uid;
    if (gid) node->gid = *gid;
    node->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status SetTimes(std::string_view path, std::optional<timespec> atime,
                        std::optional<timespec> mtime) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    if (atime) node->atime = *atime;
    if (mtime) node->mtime = *mtime;
    node->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status Truncate(std::string_view path, std::uint64_t size) override {
    std::shared_ptr<MemNode> node;
    {
      std::lock_guard lock(tree_mutex_);
      node = Find(path);
      if (!node) return Err(ENOENT, path, "no such file");
      if (S_ISDIR(node->mode)) return Err(EISDIR, path, "is a directory");
      if (!node->data) return Err(EINVAL, path, "not a regular file");
      node->mtime = node->ctime = RealTimeNow();
    }
    return MemBackendFile(node, tree_mutex_).Resize(size);
  }

  dioh::Status Symlink(std::string_view path, std::string_view target, const NewOwner& owner) override {
    std::lock_guard lock(tree_mutex_);
    auto made = Insert(path, NewOwner{owner.uid, owner.gid, 0777}, S_IFLNK);
    if (made.ok()) (*made)->target = target;
    return made.status();
  }

  dioh::Result<std::string> ReadLink(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file");
    if (!S_ISLNK(node->mode)) return Err(EINVAL, path, "not a symlink");
    return node->target;
  }

  dioh::Status Link(std::string_view from, std::string_view to) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(from);
    if (!node) return Err(ENOENT, from, "no such file");
    if (S_ISDIR(node->mode)) return Err(EPERM, from, "a folder cannot have hard links");  // link(2)
    if (Find(to)) return Err(EEXIST, to, "file exists");
    auto [parent, name] = FindParent(to);
    if (!parent) return Err(ENOENT, to, "no such directory");
    parent->children.emplace(std::string(name), node);
    ++node->links;
    node->ctime = parent->mtime = parent->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Status MakeNode(std::string_view path, const NewOwner& owner) override {
    const mode_t type = owner.mode & S_IFMT;
    if (type != S_IFIFO && type != S_IFSOCK && type != S_IFREG) {
      return Err(EPERM, path, "diofs keeps FIFOs, sockets and regular files, no device nodes");
    }
    std::lock_guard lock(tree_mutex_);
    return Insert(path, owner, type).status();
  }

  dioh::Result<std::string> GetXattr(std::string_view path, std::string_view name) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    return node->xattrs.Get(name);
  }

  dioh::Status SetXattr(std::string_view path, std::string_view name, std::string_view value, int flags) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    DIOH_RETURN_IF_ERROR(node->xattrs.Set(name, value, flags));
    node->ctime = RealTimeNow();
    return dioh::Status::Ok();
  }

  dioh::Result<std::vector<std::string>> ListXattr(std::string_view path) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    return node->xattrs.Names();
  }

  dioh::Status RemoveXattr(std::string_view path, std::string_view name) override {
    std::lock_guard lock(tree_mutex_);
    auto node = Find(path);
    if (!node) return Err(ENOENT, path, "no such file or directory");
    DIOH_RETURN_IF_ERROR(node->xattrs.Remove(name));
    node->ctime = RealTimeNow();
    return dioh::Status::Ok();
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

  // A new node of type `type` at `path`, owned as `owner` says. Called with tree_mutex_ held.
  dioh::Result<std::shared_ptr<MemNode>> Insert(std::string_view path, const NewOwner& owner, mode_t type) {
    if (Find(path)) return Err(EEXIST, path, "file exists");
    auto [parent, name] = FindParent(path);
    if (!parent) return Err(ENOENT, path, "no such directory");
    auto node = std::make_shared<MemNode>();
    node->id = next_id_++;
    node->mode = type | (owner.mode & 07777);
    node->uid = owner.uid;
    node->gid = owner.gid;
    if (type == S_IFREG) node->data = std::make_shared<MemFile>(budget_);
    parent->children.emplace(std::string(name), node);
    parent->mtime = parent->ctime = RealTimeNow();
    return node;
  }

  std::shared_ptr<PageBudget> budget_;  // shared with every MemFile
  std::mutex tree_mutex_;  // guards the tree: every MemNode's children, mode, owner and times
  std::shared_ptr<MemNode> root_;
  std::uint64_t next_id_ = 1;  // guarded by tree_mutex_
};

}  // namespace

std::unique_ptr<Backend> MakeMemBackend(std::uint64_t capacity_bytes) {
  return std::make_unique<MemBackend>(capacity_bytes);
}

}  // namespace diofs
