// Backend: where diofs keeps the files it serves. The core speaks to it in
// paths inside the mount ("/dir/file"); `mem` keeps sparse pages in memory,
// `passthrough:DIR` keeps real files in a directory. A backend knows nothing
// of O_DIRECT rules, FUSE or the op log: it stores.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/core/ownership.h"

namespace diofs {

// Which node of the backend a name leads to: two names with the same key are
// hard links of one file (mem: the node's number; passthrough: st_dev and
// st_ino of the real file). {0, 0}: not known.
struct NodeKey {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  bool known() const { return ino != 0; }
  auto operator<=>(const NodeKey&) const = default;
};

struct NodeAttr {
  mode_t mode = 0;             // type and permission bits, as st_mode
  std::uint64_t size = 0;
  std::uint64_t blocks = 0;    // 512-byte units allocated (holes are not)
  std::uint32_t nlink = 1;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  timespec atime{};
  timespec mtime{};
  timespec ctime{};
  NodeKey key;

  bool is_dir() const { return S_ISDIR(mode); }
  bool is_file() const { return S_ISREG(mode); }
};

struct DirEntry {
  std::string name;
  mode_t type = 0;  // S_IFREG, S_IFDIR, ...
};

struct FsUsage {
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;
  std::uint64_t files = 0;
  std::uint64_t free_files = 0;
  std::uint32_t block_size = 4096;
};

struct OpenRequest {
  int access = O_RDONLY;  // O_RDONLY, O_WRONLY or O_RDWR
  bool create = false;
  bool exclusive = false;
  bool truncate = false;
  NewOwner new_file{0, 0, S_IFREG | 0644};  // owner and mode of a file this open creates
};

// An open file. ReadAt returns fewer bytes than asked only at end of file;
// holes read as zeros. Thread-safe: FUSE serves one handle from many threads.
class BackendFile {
 public:
  virtual ~BackendFile() = default;
  virtual dioh::Result<std::size_t> ReadAt(std::uint64_t offset, std::span<std::byte> out) = 0;
  virtual dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data) = 0;
  // WriteAt that also sets `xxh3` to XXH3_64bits(data) (the op log's
  // data_hash) where the backend copies the payload itself and so can hash
  // it in the same pass (mem, PayloadCopier). Others leave it unset and the
  // op log hashes the payload after the reply.
  virtual dioh::Result<std::size_t> WriteAtHashing(std::uint64_t offset, std::span<const std::byte> data,
                                                   std::optional<std::uint64_t>& xxh3) {
    (void)xxh3;
    return WriteAt(offset, data);
  }
  // fallocate(2) modes 0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE|KEEP_SIZE,
  // FALLOC_FL_ZERO_RANGE; others fail with EOPNOTSUPP.
  virtual dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) = 0;
  virtual dioh::Status Resize(std::uint64_t size) = 0;
  virtual dioh::Status Sync(bool data_only) = 0;
  virtual dioh::Result<NodeAttr> Stat() = 0;
  // What a write by `writer` does to the file's mode before it lands: the
  // set-id bits ModeAfterWrite() drops (nothing for a privileged writer).
  virtual dioh::Status RemoveSetIdBits(const Credentials& writer) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string Describe() const = 0;  // "mem", "passthrough:/srv/dir"

  virtual dioh::Result<NodeAttr> Stat(std::string_view path) = 0;
  virtual dioh::Result<std::vector<DirEntry>> List(std::string_view path) = 0;
  virtual dioh::Result<std::shared_ptr<BackendFile>> Open(std::string_view path, const OpenRequest& request) = 0;
  // A folder owned by `node.uid`:`node.gid` with the permission bits of `node.mode`.
  virtual dioh::Status MakeDir(std::string_view path, const NewOwner& node) = 0;
  virtual dioh::Status RemoveDir(std::string_view path) = 0;
  virtual dioh::Status Unlink(std::string_view path) = 0;
  // flags: 0, RENAME_NOREPLACE or RENAME_EXCHANGE (renameat2(2)).
  virtual dioh::Status Rename(std::string_view from, std::string_view to, unsigned flags) = 0;
  virtual dioh::Status SetMode(std::string_view path, mode_t mode) = 0;
  // chown(2) as the kernel allowed it: an unset id stays as it is.
  virtual dioh::Status SetOwner(std::string_view path, std::optional<std::uint32_t> uid,
                                std::optional<std::uint32_t> gid) = 0;
  virtual dioh::Status SetTimes(std::string_view path, std::optional<timespec> atime,
                                std::optional<timespec> mtime) = 0;
  virtual dioh::Status Truncate(std::string_view path, std::uint64_t size) = 0;
  virtual dioh::Result<FsUsage> Usage() = 0;

  // symlink(2): a link at `path` holding `target`, owned by `node.uid`:`node.gid`.
  // The target is stored as given: diofs itself never follows a link.
  virtual dioh::Status Symlink(std::string_view path, std::string_view target, const NewOwner& node) = 0;
  // readlink(2): EINVAL when `path` is not a symlink.
  virtual dioh::Result<std::string> ReadLink(std::string_view path) = 0;
  // link(2): `to` becomes another name of the node at `from`, which keeps
  // its owner; a folder cannot get one (EPERM).
  virtual dioh::Status Link(std::string_view from, std::string_view to) = 0;
  // mknod(2) of a FIFO, a unix socket or an empty regular file, as `node`
  // says (type in its mode). Device nodes fail with EPERM: diofs keeps none.
  virtual dioh::Status MakeNode(std::string_view path, const NewOwner& node) = 0;
  // Extended attributes (xattr.h; names already checked by the caller).
  virtual dioh::Result<std::string> GetXattr(std::string_view path, std::string_view name) = 0;
  virtual dioh::Status SetXattr(std::string_view path, std::string_view name, std::string_view value, int flags) = 0;
  virtual dioh::Result<std::vector<std::string>> ListXattr(std::string_view path) = 0;
  virtual dioh::Status RemoveXattr(std::string_view path, std::string_view name) = 0;
};

// "mem" or "passthrough:DIR". A passthrough folder must exist and be readable
// and writable; the error names it otherwise. `capacity_bytes` (0: none) is
// for mem only: a passthrough folder has the capacity of its filesystem.
dioh::Result<std::unique_ptr<Backend>> MakeBackend(std::string_view spec, std::uint64_t capacity_bytes = 0);

// "/a/b/c" -> {"/a/b", "c"}; "/c" -> {"/", "c"}.
std::pair<std::string_view, std::string_view> SplitPath(std::string_view path);
// "/" + "x" -> "/x"; "/a" + "x" -> "/a/x".
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace diofs
