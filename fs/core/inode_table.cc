#include "fs/core/inode_table.h"

#include <vector>

namespace diofs {
namespace {

bool IsAtOrBelow(const std::string& path, const std::string& dir) {
  if (path.compare(0, dir.size(), dir) != 0) return false;
  return path.size() == dir.size() || dir == "/" || path[dir.size()] == '/';
}

}  // namespace

InodeTable::InodeTable() {
  nodes_[kRootIno] = Node{"/", 1};  // the root is never forgotten
  by_path_["/"] = kRootIno;
}

std::uint64_t InodeTable::Lookup(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = by_path_.try_emplace(path, 0);
  if (inserted) {
    it->second = next_ino_++;
    nodes_[it->second] = Node{path, 0};
  }
  ++nodes_[it->second].lookups;
  return it->second;
}

std::optional<std::string> InodeTable::PathOf(std::uint64_t ino) const {
  std::lock_guard lock(mutex_);
  const auto it = nodes_.find(ino);
  if (it == nodes_.end() || it->second.path.empty()) return std::nullopt;
  return it->second.path;
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
  if (!it->second.path.empty()) by_path_.erase(it->second.path);
  nodes_.erase(it);
}

void InodeTable::MoveSubtreeLocked(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, std::uint64_t>> moved;
  for (auto it = by_path_.lower_bound(from); it != by_path_.end() && IsAtOrBelow(it->first, from);) {
    moved.emplace_back(to + it->first.substr(from.size()), it->second);
    it = by_path_.erase(it);
  }
  for (auto& [path, ino] : moved) {
    nodes_[ino].path = path;
    by_path_[path] = ino;
  }
}

void InodeTable::Renamed(const std::string& from, const std::string& to) {
  std::lock_guard lock(mutex_);
  // Whatever was at `to` (and below it, for an empty replaced folder) is gone.
  for (auto it = by_path_.lower_bound(to); it != by_path_.end() && IsAtOrBelow(it->first, to);) {
    nodes_[it->second].path.clear();
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
  nodes_[it->second].path.clear();
  by_path_.erase(it);
}

std::size_t InodeTable::size() const {
  std::lock_guard lock(mutex_);
  return nodes_.size();
}

}  // namespace diofs
