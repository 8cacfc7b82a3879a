// VolatileLayer: data written but not yet fsync'd, which a simulated crash
// loses (LazyFS's idea, kept as an undo journal). Every write (and size
// change) first saves what it overwrites; an fsync of the file forgets its
// entries (the data is durable); a crash puts the saved bytes back, newest
// first — optionally keeping a seeded prefix of sectors of each lost write,
// as a torn write would. Reads meanwhile see the new data, as from a page
// cache. Namespace operations (create, rename, unlink) are durable at once.
//
// Off unless diofs runs with --volatile. While on, transfers that change
// data are serialized by the layer's lock (save + write must be atomic).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "fs/core/backend.h"

namespace diofs {

class VolatileLayer : public std::enable_shared_from_this<VolatileLayer> {
 public:
  static constexpr std::uint64_t kSectorSize = 512;

  // `file` (inode `ino`, at `path`) with every change journaled here: the
  // handle diofs keeps instead of the backend's file. An fsync through it
  // makes the file's data durable.
  std::shared_ptr<BackendFile> Wrap(std::shared_ptr<BackendFile> file, std::uint64_t ino, std::string path);

  // What the wrapper does: save what a change loses, then make it.
  dioh::Result<std::size_t> Write(const std::shared_ptr<BackendFile>& file, std::uint64_t ino, const std::string& path,
                                  std::uint64_t offset, std::span<const std::byte> data);
  dioh::Status Resize(const std::shared_ptr<BackendFile>& file, std::uint64_t ino, const std::string& path,
                      std::uint64_t size);
  dioh::Status Allocate(const std::shared_ptr<BackendFile>& file, std::uint64_t ino, const std::string& path,
                        int mode, std::uint64_t offset, std::uint64_t length);
  // The file's data is durable: forget its entries.
  void Synced(std::uint64_t ino);
  // The file is gone from the namespace (unlinked, replaced by a rename), and
  // namespace changes are durable: no crash can bring its data back, so its
  // entries go, and with them the last hold on its pages (--capacity).
  void Forget(std::uint64_t ino) { Synced(ino); }
  // The dirty data of one file is lost (a failed fsync: Linux drops the
  // pages it could not write back): undo its entries.
  dioh::Status Drop(std::uint64_t ino);
  // A crash: every unsynced change is undone, newest first. With `torn`, each
  // lost write keeps a prefix of 0..all of its sectors, chosen from `seed`.
  // Returns how many changes were undone.
  dioh::Result<std::uint64_t> Crash(bool torn, std::uint64_t seed);
  // {"/path": [[offset, length], ...], ...}: what a crash would lose now.
  std::string UnsyncedJson() const;

 private:
  struct Entry {
    std::shared_ptr<BackendFile> file;  // the backend's file (kept alive for the undo)
    std::uint64_t ino = 0;
    std::string path;
    std::uint64_t offset = 0;
    std::vector<std::byte> old_bytes;  // what the change overwrote (within the old size)
    std::uint64_t new_length = 0;      // bytes the change wrote at offset (0: a resize)
    std::uint64_t old_size = 0;        // the file's size before the change
  };
  dioh::Result<Entry> Save(const std::shared_ptr<BackendFile>& file, std::uint64_t ino, const std::string& path,
                           std::uint64_t offset, std::uint64_t length);
  static dioh::Status Undo(const Entry& entry, std::uint64_t keep_new_bytes);

  mutable std::mutex mutex_;  // guards journal_, and makes save + change atomic; a leaf lock
  std::vector<Entry> journal_;
};

}  // namespace diofs
