#include "fs/core/handle_table.h"

#include <mutex>

namespace diofs {

std::uint64_t HandleTable::Add(std::shared_ptr<OpenHandle> handle) {
  std::unique_lock lock(mutex_);
  const std::uint64_t fh = next_fh_++;
  handles_.emplace(fh, std::move(handle));
  return fh;
}

std::shared_ptr<OpenHandle> HandleTable::Get(std::uint64_t fh) const {
  std::shared_lock lock(mutex_);
  const auto it = handles_.find(fh);
  return it == handles_.end() ? nullptr : it->second;
}

std::shared_ptr<OpenHandle> HandleTable::Remove(std::uint64_t fh) {
  std::unique_lock lock(mutex_);
  const auto it = handles_.find(fh);
  if (it == handles_.end()) return nullptr;
  auto handle = std::move(it->second);
  handles_.erase(it);
  return handle;
}

std::shared_ptr<BackendFile> HandleTable::FileOf(std::uint64_t ino) const {
  std::shared_lock lock(mutex_);
  for (const auto& [fh, handle] : handles_) {
    if (handle->ino == ino && handle->file) return handle->file;
  }
  return nullptr;
}

std::size_t HandleTable::size() const {
  std::shared_lock lock(mutex_);
  return handles_.size();
}

}  // namespace diofs
