#include "fs/core/volatile_layer.h"

#include <algorithm>
#include <cerrno>
#include <map>

#include <nlohmann/json.hpp>

#include "fs/sim/device_model.h"

namespace diofs {

namespace {

class JournaledFile final : public BackendFile {
 public:
  JournaledFile(std::shared_ptr<VolatileLayer> layer, std::shared_ptr<BackendFile> file, std::uint64_t ino,
                std::string path)
      : layer_(std::move(layer)), file_(std::move(file)), ino_(ino), path_(std::move(path)) {}

  dioh::Result<std::size_t> ReadAt(std::uint64_t offset, std::span<std::byte> out) override {
    return file_->ReadAt(offset, out);
  }
  dioh::Result<std::size_t> WriteAt(std::uint64_t offset, std::span<const std::byte> data) override {
    return layer_->Write(file_, ino_, path_, offset, data);
  }
  dioh::Status Allocate(int mode, std::uint64_t offset, std::uint64_t length) override {
    return layer_->Allocate(file_, ino_, path_, mode, offset, length);
  }
  dioh::Status Resize(std::uint64_t size) override { return layer_->Resize(file_, ino_, path_, size); }
  dioh::Status Sync(bool data_only) override {
    DIOH_RETURN_IF_ERROR(file_->Sync(data_only));
    layer_->Synced(ino_);
    return dioh::Status::Ok();
  }
  dioh::Result<NodeAttr> Stat() override { return file_->Stat(); }
  // Mode changes are namespace changes: durable at once, never journaled.
  dioh::Status RemoveSetIdBits(const Credentials& writer) override { return file_->RemoveSetIdBits(writer); }

 private:
  std::shared_ptr<VolatileLayer> layer_;
  std::shared_ptr<BackendFile> file_;
  const std::uint64_t ino_;
  const std::string path_;  // as opened: a later rename is not followed in /.diofs/unsynced
};

}  // namespace

std::shared_ptr<BackendFile> VolatileLayer::Wrap(std::shared_ptr<BackendFile> file, std::uint64_t ino,
                                                 std::string path) {
  return std::make_shared<JournaledFile>(shared_from_this(), std::move(file), ino, std::move(path));
}

dioh::Result<VolatileLayer::Entry> VolatileLayer::Save(const std::shared_ptr<BackendFile>& file, std::uint64_t ino,
                                                       const std::string& path, std::uint64_t offset,
                                                       std::uint64_t length) {
  auto attr = file->Stat();
  if (!attr.ok()) return attr.status();
  Entry entry{file, ino, path, offset, {}, length, attr->size};
  if (offset < attr->size) {
    entry.old_bytes.resize(static_cast<std::size_t>(std::min(length, attr->size - offset)));
    auto read = file->ReadAt(offset, entry.old_bytes);
    if (!read.ok()) return read.status();
    entry.old_bytes.resize(*read);
  }
  return entry;
}

dioh::Result<std::size_t> VolatileLayer::Write(const std::shared_ptr<BackendFile>& file, std::uint64_t ino,
                                               const std::string& path, std::uint64_t offset,
                                               std::span<const std::byte> data) {
  std::lock_guard lock(mutex_);
  auto entry = Save(file, ino, path, offset, data.size());
  if (!entry.ok()) return entry.status();
  auto done = file->WriteAt(offset, data);
  if (done.ok() && *done > 0) {
    entry->new_length = *done;
    journal_.push_back(std::move(*entry));
  }
  return done;
}

dioh::Status VolatileLayer::Resize(const std::shared_ptr<BackendFile>& file, std::uint64_t ino,
                                   const std::string& path, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  auto attr = file->Stat();
  if (!attr.ok()) return attr.status();
  // A shrink loses the tail: save it. A growth only needs the old size.
  auto entry = Save(file, ino, path, std::min(size, attr->size), attr->size > size ? attr->size - size : 0);
  if (!entry.ok()) return entry.status();
  entry->new_length = 0;
  DIOH_RETURN_IF_ERROR(file->Resize(size));
  journal_.push_back(std::move(*entry));
  return dioh::Status::Ok();
}

dioh::Status VolatileLayer::Allocate(const std::shared_ptr<BackendFile>& file, std::uint64_t ino,
                                     const std::string& path, int mode, std::uint64_t offset, std::uint64_t length) {
  std::lock_guard lock(mutex_);
  auto entry = Save(file, ino, path, offset, length);
  if (!entry.ok()) return entry.status();
  entry->new_length = 0;
  DIOH_RETURN_IF_ERROR(file->Allocate(mode, offset, length));
  journal_.push_back(std::move(*entry));
  return dioh::Status::Ok();
}

void VolatileLayer::Synced(std::uint64_t ino) {
  std::lock_guard lock(mutex_);
  std::erase_if(journal_, [ino](const Entry& e) { return e.ino == ino; });
}

dioh::Status VolatileLayer::Undo(const Entry& entry, std::uint64_t keep_new_bytes) {
  // Put back the overwritten bytes past the kept prefix, then the old size.
  if (keep_new_bytes < entry.old_bytes.size()) {
    const auto tail = std::span(entry.old_bytes).subspan(static_cast<std::size_t>(keep_new_bytes));
    auto done = entry.file->WriteAt(entry.offset + keep_new_bytes, tail);
    if (!done.ok()) return done.status();
  }
  const std::uint64_t kept_end = entry.offset + keep_new_bytes;
  return entry.file->Resize(std::max(entry.old_size, keep_new_bytes > 0 ? kept_end : 0));
}

dioh::Status VolatileLayer::Drop(std::uint64_t ino) {
  std::lock_guard lock(mutex_);
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
    if (it->ino == ino) DIOH_RETURN_IF_ERROR(Undo(*it, 0));
  }
  std::erase_if(journal_, [ino](const Entry& e) { return e.ino == ino; });
  return dioh::Status::Ok();
}

dioh::Result<std::uint64_t> VolatileLayer::Crash(bool torn, std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  std::uint64_t ordinal = 0;
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it, ++ordinal) {
    std::uint64_t keep = 0;
    if (torn && it->new_length > 0) {
      const std::uint64_t sectors = (it->new_length + kSectorSize - 1) / kSectorSize;
      keep = std::min(it->new_length, (sim::Mix64(seed ^ sim::Mix64(ordinal + 1)) % (sectors + 1)) * kSectorSize);
    }
    DIOH_RETURN_IF_ERROR(Undo(*it, keep));
  }
  const std::uint64_t undone = journal_.size();
  journal_.clear();
  return undone;
}

std::string VolatileLayer::UnsyncedJson() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, nlohmann::json> by_path;
  for (const Entry& e : journal_) {
    auto& ranges = by_path[e.path];
    if (ranges.is_null()) ranges = nlohmann::json::array();
    ranges.push_back({e.offset, std::max<std::uint64_t>(e.new_length, e.old_bytes.size())});
  }
  nlohmann::json out = nlohmann::json::object();
  for (auto& [path, ranges] : by_path) out[path] = std::move(ranges);
  return out.dump();
}

}  // namespace diofs
