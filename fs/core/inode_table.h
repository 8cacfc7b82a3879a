// InodeTable: FUSE inode numbers for the nodes of the backend. An inode
// lives from its first lookup until the kernel forgets it (FUSE's nlookup
// count), and keeps its number across renames. A node with several names
// (hard links) is one inode: names are matched to nodes by the backend's
// NodeKey. An inode whose last name is gone has no path but lives on for
// the handles still open on it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/core/backend.h"

namespace diofs {

class InodeTable {
 public:
  static constexpr std::uint64_t kRootIno = 1;  // FUSE_ROOT_ID
  // Inode numbers below this one are reserved for the control files.
  static constexpr std::uint64_t kFirstFileIno = 64;

  InodeTable();

  // The inode of the node `key` found at `path`, made on first sight;
  // counts one kernel lookup. A known key gets the inode its other names
  // have; a path that now leads to another node than before loses its old
  // inode (replaced behind the table's back).
  std::uint64_t Lookup(const std::string& path, NodeKey key);
  // A path of `ino`: the first of its names that still exists (what the op
  // log records for a file with several); none for an unknown or unlinked inode.
  std::optional<std::string> PathOf(std::uint64_t ino) const;
  // The inode at `path`, if the kernel knows one there (no lookup counted).
  std::optional<std::uint64_t> InodeOf(const std::string& path) const;
  // The kernel dropped `count` lookups; the inode goes at zero.
  void Forget(std::uint64_t ino, std::uint64_t count);

  // `path` and everything below it now live at `to`; an inode that was at
  // `to` loses that name. Renaming a name onto another name of the same
  // node changes nothing (rename(2)).
  void Renamed(const std::string& from, const std::string& to);
  // RENAME_EXCHANGE: the two paths (and what is below them) swap.
  void Exchanged(const std::string& a, const std::string& b);
  // `path` was unlinked or removed: its inode keeps its other names, or
  // lives on without a path.
  void Removed(const std::string& path);

  std::size_t size() const;

 private:
  struct Node {
    std::vector<std::string> paths;  // its names, oldest first; empty once unlinked
    std::uint64_t lookups = 0;
    NodeKey key;
  };
  // Moves every entry at or below `from` to the same place below `to`.
  void MoveSubtreeLocked(const std::string& from, const std::string& to);
  // `ino` no longer has the name `path` (by_path_ is the caller's to update).
  // A node left with no name can never get one again (link(2) needs a
  // name), so its key goes: the backend may give the key to a new node.
  void DropNameLocked(std::uint64_t ino, const std::string& path);

  mutable std::mutex mutex_;  // guards everything below; a leaf lock
  std::unordered_map<std::uint64_t, Node> nodes_;
  std::map<std::string, std::uint64_t> by_path_;  // sorted: a subtree is one range
  std::map<NodeKey, std::uint64_t> by_key_;       // nodes with at least one name
  std::uint64_t next_ino_ = kFirstFileIno;
};

}  // namespace diofs
