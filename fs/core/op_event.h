// OpEvent: what the diofs core reports about every operation it serves, and
// OpObserver: who listens (the counters behind /.diofs/stats, the op log).
//
// This header is the contract between the core (which fills events) and the
// op log (which encodes them, fs/oplog/LOG_FORMAT.md). Fields follow
// DESIGN.md, section diofs, "Op log". An event only borrows its strings and
// data: an observer that keeps them must copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace diofs {

enum class OpKind : std::uint8_t {
  kOpen = 1,        // flags = open flags (access mode, O_DIRECT, O_CREAT, O_TRUNC, ...)
  kCreate = 2,      // as kOpen, for a file created by this open
  kRead = 3,
  kWrite = 4,
  kFlush = 5,
  kFsync = 6,       // aux = 1 for fdatasync
  kFallocate = 7,   // aux = fallocate mode (FALLOC_FL_PUNCH_HOLE, ...)
  kTruncate = 8,    // offset = new size
  kFlagChange = 9,  // the flags that arrived with an op differ from the handle's last ones
  kRelease = 10,
  kMarker = 11,     // text = what was written to /.diofs/mark
  kViolation = 12,  // text = the report written to /.diofs/violation (libdiocheck)
  kUnlink = 13,
  kRename = 14,     // text = the new path
  kMkdir = 15,
  kRmdir = 16,
  kFault = 17,      // an injected fault; text names the rule (storage simulation)
  kSymlink = 18,    // path = the new link, text = its target (as given, never resolved)
  kLink = 19,       // path = an existing name of the node, text = its new name (a hard link)
  kMknod = 20,      // aux = mode, type included (S_IFIFO, S_IFSOCK, S_IFREG)
};

// Which O_DIRECT rule an operation broke, if any.
enum class Rule : std::uint8_t {
  kNone = 0,
  kOffsetAlign = 1,         // offset not a multiple of the profile's dio alignment
  kLengthAlign = 2,         // length not a multiple of the profile's dio alignment
  kMemAlign = 3,            // buffer address or segment (reported by libdiocheck)
  kODirectUnsupported = 4,  // open(O_DIRECT) on a profile that rejects it
};

// What diofs did about a broken rule.
enum class Verdict : std::uint8_t {
  kPass = 0,      // no rule broken
  kRejected = 1,  // failed with EINVAL (--on-violation einval)
  kRecorded = 2,  // let through and flagged (--on-violation record)
};

class AfterReply;

struct OpEvent {
  OpKind kind = OpKind::kOpen;
  std::uint64_t start_ns = 0;  // CLOCK_MONOTONIC when the request arrived
  std::uint64_t end_ns = 0;    // CLOCK_MONOTONIC when the reply was ready
  std::uint32_t pid = 0;       // calling process (fuse_ctx)
  std::uint32_t tid = 0;       // calling thread (FUSE passes the thread id as pid)
  std::uint32_t pgid = 0;      // its process group: a harness attributes an engine's children to it
  std::uint64_t ino = 0;
  std::string_view path;       // path inside the mount, "/dir/file"
  std::uint64_t fh = 0;        // file handle, 0 where none
  std::uint64_t offset = 0;
  std::uint64_t length = 0;    // requested length
  std::uint32_t flags = 0;     // the file flags in force for this op (fi->flags)
  std::uint32_t aux = 0;       // op-specific, see OpKind
  std::int64_t result = 0;     // bytes transferred or 0 on success, -errno on failure
  Rule rule = Rule::kNone;
  Verdict verdict = Verdict::kPass;
  std::span<const std::byte> data;  // write payload (hashed; kept with --log-data)
  // XXH3_64bits(data), when the backend computed it while storing the payload
  // (asked for by an observer's WantsPayloadXxh3).
  std::optional<std::uint64_t> data_xxh3;
  std::string_view text;             // marker text, violation report, fault rule, new path
  // Set by an edge that runs work after its reply (the FUSE adapter on a
  // write): an observer may postpone payload work there (AfterReply::Defer).
  AfterReply* after_reply = nullptr;
};

class OpObserver {
 public:
  virtual ~OpObserver() = default;
  // Called once per operation, after the reply is decided, on the thread that
  // served it. Must be thread-safe and must not block on other operations.
  virtual void OnOp(const OpEvent& event) = 0;
  // True when the observer would hash every write's payload with XXH3_64bits:
  // the core then asks the backend for the hash, which the mem backend
  // computes while copying the payload (OpEvent::data_xxh3).
  virtual bool WantsPayloadXxh3() const { return false; }
  // Finishes what OnOp postponed with AfterReply::Defer: called once, on the
  // thread that served the op, after its reply, with the event's payload
  // still valid. Must not block on other operations either.
  virtual void OnReplied(std::uint64_t token, std::span<const std::byte> data) {
    (void)token;
    (void)data;
  }
};

// Work observers postpone until an operation's reply is sent (the op log's
// payload hash): the application's write returns without waiting for it.
// The edge keeps one on its stack while the request's buffer is valid and
// runs it after replying; the destructor runs whatever is left, so a
// postponed record is always finished.
class AfterReply {
 public:
  AfterReply() = default;
  ~AfterReply() { Run(); }
  AfterReply(const AfterReply&) = delete;
  AfterReply& operator=(const AfterReply&) = delete;

  bool full() const { return count_ == kCapacity; }
  // Postpones observer->OnReplied(token, data). Returns false (and postpones
  // nothing) when full: the observer then does the work at once.
  bool Defer(OpObserver* observer, std::uint64_t token, std::span<const std::byte> data) {
    if (full()) return false;
    items_[count_++] = Item{observer, token, data};
    return true;
  }
  // Runs everything postponed so far, in order.
  void Run() {
    for (std::size_t i = 0; i < count_; ++i) items_[i].observer->OnReplied(items_[i].token, items_[i].data);
    count_ = 0;
  }

 private:
  struct Item {
    OpObserver* observer = nullptr;
    std::uint64_t token = 0;
    std::span<const std::byte> data;
  };
  static constexpr std::size_t kCapacity = 4;  // one per observer that postpones; diofs has one (the log)
  std::array<Item, kCapacity> items_{};
  std::size_t count_ = 0;
};

}  // namespace diofs
