// A strict in-memory FileSystem for unit tests. It records every call with
// its flags and geometry and, like a 4Kn block device, rejects an O_DIRECT
// transfer whose offset, length or buffer address is not a multiple of the
// direct alignment (EINVAL). Faults (no O_DIRECT support, short writes,
// ENOSPC/EIO, failing truncate) are options. Thread-safe: multifd channels
// call it from their threads. A test double: built into the test library
// mrm_fake_file_io only, never into mrmigrate, so its device rule is not a
// second O_DIRECT decision of migration/ (that is ChannelOpenFlags).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "migration/channel/file_io.h"

namespace mrm::channel {

struct FakeOp {
  enum Kind { kOpen, kWrite, kRead, kTruncate, kSync, kClose };
  Kind kind = kOpen;
  int file_id = 0;  // one per open; the order of opens
  std::string path;
  int flags = 0;    // the flags of the open the op went through
  uint64_t offset = 0;
  uint64_t length = 0;
  int iovcnt = 0;
  bool buffers_aligned = true;  // every iov base and length direct-aligned
  int error = 0;                // errno the op failed with, 0 if it succeeded
  std::string thread;           // the calling thread's name (pthread_getname_np)
  bool direct() const;
};

struct FakeOptions {
  uint64_t direct_alignment = 4096;
  bool direct_supported = true;        // false: O_DIRECT opens fail with EINVAL
  uint64_t short_write_limit = 0;      // >0: writes transfer at most this many bytes
  uint64_t short_read_limit = 0;       // >0: reads transfer at most this many bytes
  uint64_t capacity = 0;               // >0: writes beyond it fail with ENOSPC
  int write_errno = 0;                 // >0: every write fails with it (or, with
  uint64_t write_errno_begin = 0;      //   write_errno_end > 0, every write that
  uint64_t write_errno_end = 0;        //   overlaps [begin, end))
  int direct_write_errno = 0;          // >0: every O_DIRECT write fails with it
  int truncate_errno = 0;              // >0: ftruncate fails with it
};

class FakeFileSystem final : public FileSystem {
 public:
  explicit FakeFileSystem(FakeOptions options = {}) : state_(std::make_shared<State>(options)) {}

  dioh::Result<std::unique_ptr<File>> Open(const std::string& path, int flags, mode_t mode = 0600) override;

  // Test setup and inspection.
  void PutFile(const std::string& path, std::vector<uint8_t> bytes);
  std::vector<uint8_t> Contents(const std::string& path) const;
  std::vector<FakeOp> Ops() const;
  FakeOptions& options() { return state_->options; }

  struct State {
    explicit State(FakeOptions o) : options(o) {}
    mutable std::mutex mu;  // guards everything below
    FakeOptions options;
    std::map<std::string, std::shared_ptr<std::vector<uint8_t>>> files;
    std::vector<FakeOp> ops;
    int next_file_id = 1;
  };

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mrm::channel
