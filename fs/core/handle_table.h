// HandleTable: the files and folders the kernel has open on diofs, by FUSE
// file handle (fi->fh). A handle owns its backend file, so an unlinked file
// stays usable until its last release.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/core/backend.h"

namespace diofs {

// The files of the hidden /.diofs/ folder (control_files.h serves them).
enum class ControlFile : std::uint8_t { kNone, kStats, kProfile, kMark, kViolation, kFaults, kError, kCrash, kUnsynced };

struct OpenHandle {
  std::uint64_t ino = 0;
  std::uint32_t open_flags = 0;                  // as given to open(2)
  std::atomic<std::uint32_t> last_flags{0};      // the flags of the latest op, for fcntl toggles
  std::shared_ptr<BackendFile> file;             // a data file
  std::vector<DirEntry> listing;                 // a folder: its entries at opendir
  ControlFile control = ControlFile::kNone;      // a control file: which one
  std::string snapshot;                          // a control file opened for reading: its content then
};

class HandleTable {
 public:
  std::uint64_t Add(std::shared_ptr<OpenHandle> handle);
  std::shared_ptr<OpenHandle> Get(std::uint64_t fh) const;
  std::shared_ptr<OpenHandle> Remove(std::uint64_t fh);
  // The data file of some handle open on inode `ino`, or null: how an
  // unlinked file is reached when the kernel asks by inode alone. A scan:
  // only that rare path uses it.
  std::shared_ptr<BackendFile> FileOf(std::uint64_t ino) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;  // a leaf lock: nothing is called while it is held
  std::unordered_map<std::uint64_t, std::shared_ptr<OpenHandle>> handles_;
  std::uint64_t next_fh_ = 1;
};

}  // namespace diofs
