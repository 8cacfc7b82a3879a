// LogWriter: the OpObserver that appends every OpEvent to a binary op log
// (LOG_FORMAT.md). Lossless: each OnOp call becomes exactly one record, with a
// gap-free sequence number assigned here.
//
// Hot path: under one short mutex, OnOp takes the next sequence number and
// encodes the record into the active in-memory buffer (no formatting, no
// syscall). The payload's hash comes with the event where the backend hashed
// it while storing it (OpEvent::data_xxh3). Otherwise the hash (and the copy,
// with keep_data) is done outside the lock: after the op's reply when the
// event carries an AfterReply (a FUSE write: OnReplied seals the reserved
// frame), else before taking the lock. A
// buffer holding a reserved but unsealed frame is not written until sealed,
// so the file only ever holds whole, sealed records, in sequence order. A full buffer is
// handed to a flusher thread, which write(2)s it while producers keep filling
// the next buffer; the flusher also writes a partly filled buffer every
// `flush_interval`, so a crashed daemon loses at most that much; a marker
// record is written out before OnOp returns (with every record before it). When all
// `max_buffers` are in flight a producer waits for the flusher (back-pressure
// instead of loss). Records reach the file in sequence order.
//
// The flusher thread starts with the first OnOp, so a daemon may Open the log
// before mounting (to refuse to mount when it cannot be written), then fork
// to daemonize, and record from the child.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/status/status.h"
#include "fs/core/op_event.h"
#include "fs/oplog/log_file.h"
#include "fs/oplog/log_format.h"

namespace diofs::oplog {

struct LogWriterOptions {
  std::size_t buffer_bytes = 4u << 20;  // a buffer is handed to the flusher when this full
  std::size_t max_buffers = 8;          // buffers in memory at most (active + queued + writing)
  std::chrono::milliseconds flush_interval{50};
};

class LogWriter final : public OpObserver {
 public:
  // Creates (or truncates) `path` and writes the header. Fails with the errno
  // of open(2)/write(2) when the path is unwritable: diofs then refuses to mount.
  static dioh::Result<std::unique_ptr<LogWriter>> Open(const std::string& path,
                                                       const LogHeaderInfo& info,
                                                       const LogWriterOptions& options = {});
  ~LogWriter() override;  // Close()s if the owner did not
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void OnOp(const OpEvent& event) override;
  // Without keep_data the payload is needed only for its hash, which the mem
  // backend computes while storing it (PayloadCopier); with keep_data the
  // copy into the record is postponed after the reply anyway.
  bool WantsPayloadXxh3() const override { return !header_.keep_data; }
  void OnReplied(std::uint64_t token, std::span<const std::byte> data) override;

  // Writes every record accepted so far to the file (not fsync) and returns
  // the first write error, if any. For markers that must be on disk now.
  dioh::Status Flush();
  // Writes the remaining records and the trailer, fdatasyncs and closes.
  // Events arriving after Close are not recorded and are counted in
  // late_events(). Returns the first I/O error of the writer's life. Call it
  // once every AfterReply that holds a record of this writer has run (the
  // daemon closes after its FUSE session ended): it waits for them.
  dioh::Status Close();

  std::uint64_t records_accepted() const;  // sequence numbers handed out
  std::uint64_t late_events() const;       // OnOp calls after Close (should be 0)
  dioh::Status health() const;             // first I/O error, or OK
  const LogHeader& header() const { return header_; }

 private:
  struct Buffer {
    std::unique_ptr<std::byte[]> bytes;
    std::size_t size = 0;
    std::size_t capacity = 0;
    std::uint64_t last_seq = 0;  // highest sequence number inside
    std::size_t unsealed = 0;    // frames reserved whose payload work waits for OnReplied
  };

  LogWriter(OutputFile file, LogHeader header, const LogWriterOptions& options);
  void FlusherLoop();
  // Makes room for `frame_size` more bytes in active_; may wait for the flusher.
  void ReserveLocked(std::unique_lock<std::mutex>& lock, std::size_t frame_size);
  // Queues active_ for writing if it holds records and a replacement exists.
  bool RotateLocked();
  Buffer TakeFreeBufferLocked();
  // The active or queued buffer that holds `frame`.
  Buffer& BufferHoldingLocked(const std::byte* frame);
  // The oldest queued buffer can be written: it exists and is sealed.
  bool FrontWritableLocked() const;

  const LogHeader header_;
  const LogWriterOptions options_;
  OutputFile file_;  // written by the flusher thread only, then by Close

  // Lock order: mu_ is the only lock; the flusher writes without holding it.
  mutable std::mutex mu_;
  std::condition_variable flusher_wake_;  // work for the flusher
  std::condition_variable buffer_freed_;  // a buffer came back from the flusher
  std::condition_variable written_;       // written_seq_ advanced
  Buffer active_;
  std::deque<Buffer> queued_;
  std::vector<Buffer> free_;
  std::size_t buffers_allocated_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t written_seq_ = 0;  // every record <= this is in the file
  std::uint64_t late_events_ = 0;
  bool flush_requested_ = false;
  bool stopping_ = false;
  bool closed_ = false;
  dioh::Status io_status_;
  std::thread flusher_;
};

}  // namespace diofs::oplog
