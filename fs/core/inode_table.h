// InodeTable: FUSE inode numbers for the paths of the backend. An inode
// lives from its first lookup until the kernel forgets it (FUSE's nlookup
// count), and keeps its number across renames; an unlinked inode has no path
// but lives on for the handles still open on it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace diofs {

class InodeTable {
 public:
  static constexpr std::uint64_t kRootIno = 1;  // FUSE_ROOT_ID
  // Inode numbers below this one are reserved for the control files.
  static constexpr std::uint64_t kFirstFileIno = 64;

  InodeTable();

  // The inode of `path`, made on first sight; counts one kernel lookup.
  std::uint64_t Lookup(const std::string& path);
  // The current path of `ino`; none for an unknown or unlinked inode.
  std::optional<std::string> PathOf(std::uint64_t ino) const;
  // The inode at `path`, if the kernel knows one there (no lookup counted).
  std::optional<std::uint64_t> InodeOf(const std::string& path) const;
  // The kernel dropped `count` lookups; the inode goes at zero.
  void Forget(std::uint64_t ino, std::uint64_t count);

  // `path` and everything below it now live at `to`; an inode that was at
  // `to` is detached (it was replaced).
  void Renamed(const std::string& from, const std::string& to);
  // RENAME_EXCHANGE: the two paths (and what is below them) swap.
  void Exchanged(const std::string& a, const std::string& b);
  // `path` was unlinked or removed: its inode keeps living without a path.
  void Removed(const std::string& path);

  std::size_t size() const;

 private:
  struct Node {
    std::string path;  // empty once unlinked
    std::uint64_t lookups = 0;
  };
  // Moves every entry at or below `from` to the same place below `to`.
  void MoveSubtreeLocked(const std::string& from, const std::string& to);

  mutable std::mutex mutex_;  // guards everything below; a leaf lock
  std::unordered_map<std::uint64_t, Node> nodes_;
  std::map<std::string, std::uint64_t> by_path_;  // sorted: a subtree is one range
  std::uint64_t next_ino_ = kFirstFileIno;
};

}  // namespace diofs
