#include "fs/core/inode_table.h"

#include <algorithm>

namespace diofs {
namespace {

bool IsAtOrBelow(const std::string& path, const std::string& dir) {
  if (path.compare(0, dir.size(), dir) != 0) return false;
  return path.size() == dir.size() || dir == "/" || path[dir.size()] == '/';
}

}  // namespace

InodeTable::InodeTable() {
  nodes_[kRootIno] = Node{{"/"}, 1, {}};  // the root is never forgotten
  by_path_["/"] = kRootIno;
}

std::uint64_t InodeTable::Lookup(const std::string& path, NodeKey key) {
  std::lock_guard lock(mutex_);
  if (const auto it = by_path_.find(path); it != by_path_.end()) {
    Node& node = nodes_[it->second];
    if (!key.known() || !node.key.known() || node.key == key) {
      ++node.lookups;
      return it->second;
    }
    // The name leads to another node now: the old inode keeps its other names.
    const std::uint64_t old = it->second;
    by_path_.erase(it);
    DropNameLocked(old, path);
  }
  std::uint64_t ino;
  if (const auto linked = key.known() ? by_key_.find(key) : by_key_.end(); linked != by_key_.end()) {
    ino = linked->second;  // another name of a node the kernel knows: the same inode
    nodes_[ino].paths.push_back(path);
  } else {
    ino = next_ino_++;
    nodes_[ino] = Node{{path}, 0, key};
    if (key.known()) by_key_[key] = ino;
  }
  by_path_[path] = ino;
  ++nodes_[ino].lookups;
  return ino;
}

std::optional<std::string> InodeTable::PathOf(std::uint64_t ino) const {
  std::lock_guard lock(mutex_);
  const auto it = nodes_.find(ino);
  if (it == nodes_.end() || it->second.paths.empty()) return std::nullopt;
  return it->second.paths.front();
}

std::optional<std::uint64_t> InodeTable::InodeOf(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto it = by_path_.find(path);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

void InodeTable::Forget(std::uint64_t ino, std::uint64_t count) {
  std::lock_guard lock(mutex_);
  const auto it = nodes_.find(ino);
  if (it == nodes_.end() || ino == kRootIno) return;
  it->second.lookups -= std::min(count, it->second.lookups);
  if (it->second.lookups > 0) return;
  for (const std::string& path : it->second.paths) by_path_.erase(path);
  if (const auto k = by_key_.find(it->second.key); k != by_key_.end() && k->second == ino) by_key_.erase(k);
  nodes_.erase(it);
}

void InodeTable::DropNameLocked(std::uint64_t ino, const std::string& path) {
  Node& node = nodes_[ino];
  std::erase(node.paths, path);
  if (!node.paths.empty() || !node.key.known()) return;
  if (const auto k = by_key_.find(node.key); k != by_key_.end() && k->second == ino) by_key_.erase(k);
}

void InodeTable::MoveSubtreeLocked(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, std::uint64_t>> moved;
  for (auto it = by_path_.lower_bound(from); it != by_path_.end() && IsAtOrBelow(it->first, from);) {
    std::string new_path = to + it->first.substr(from.size());
    std::vector<std::string>& paths = nodes_[it->second].paths;
    std::replace(paths.begin(), paths.end(), it->first, new_path);
    moved.emplace_back(std::move(new_path), it->second);
    it = by_path_.erase(it);
  }
  for (auto& [path, ino] : moved) by_path_[path] = ino;
}

void InodeTable::Renamed(const std::string& from, const std::string& to) {
  std::lock_guard lock(mutex_);
  const auto source = by_path_.find(from);
  const auto target = by_path_.find(to);
  if (from == to || (source != by_path_.end() && target != by_path_.end() && source->second == target->second)) {
    return;  // two names of one node: rename(2) does nothing
  }
  // Whatever was at `to` (and below it, for an empty replaced folder) loses that name.
  for (auto it = by_path_.lower_bound(to); it != by_path_.end() && IsAtOrBelow(it->first, to);) {
    DropNameLocked(it->second, it->first);
    it = by_path_.erase(it);
  }
  MoveSubtreeLocked(from, to);
}

void InodeTable::Exchanged(const std::string& a, const std::string& b) {
  std::lock_guard lock(mutex_);
  const std::string parking = "\x01exchange";  // sorts apart from every real path
  MoveSubtreeLocked(a, parking);
  MoveSubtreeLocked(b, a);
  MoveSubtreeLocked(parking, b);
}

void InodeTable::Removed(const std::string& path) {
  std::lock_guard lock(mutex_);
  const auto it = by_path_.find(path);
  if (it == by_path_.end()) return;
  DropNameLocked(it->second, path);
  by_path_.erase(it);
}

std::size_t InodeTable::size() const {
  std::lock_guard lock(mutex_);
  return nodes_.size();
}

}  // namespace diofs
