#include "fs/oplog/log_writer.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <utility>

namespace diofs::oplog {

dioh::Result<std::unique_ptr<LogWriter>> LogWriter::Open(const std::string& path,
                                                         const LogHeaderInfo& info,
                                                         const LogWriterOptions& options) {
  if (options.buffer_bytes == 0 || options.max_buffers < 2) {
    return dioh::Status::Error(EINVAL, "op log: buffer_bytes must be > 0 and max_buffers >= 2");
  }
  if (info.profile.size() > kMaxProfileSize) {
    return dioh::Status::Error(EINVAL, "op log: profile name longer than 4096 bytes");
  }
  auto file = OutputFile::Create(path);
  if (!file.ok()) return file.status().WithContext("op log");
  LogHeader header;
  header.profile = info.profile;
  header.max_write = info.max_write;
  header.keep_data = info.keep_data;
  header.start_realtime_ns = RealtimeNs();
  header.start_monotonic_ns = MonotonicNs();
  DIOH_RETURN_IF_ERROR(file->Append(EncodeHeader(header)).WithContext("op log"));
  return std::unique_ptr<LogWriter>(new LogWriter(std::move(*file), std::move(header), options));
}

LogWriter::LogWriter(OutputFile file, LogHeader header, const LogWriterOptions& options)
    : header_(std::move(header)), options_(options), file_(std::move(file)) {
  active_ = TakeFreeBufferLocked();  // no other thread exists yet
}

LogWriter::~LogWriter() { (void)Close(); }

LogWriter::Buffer LogWriter::TakeFreeBufferLocked() {
  if (!free_.empty()) {
    Buffer buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }
  Buffer buffer;
  buffer.bytes = std::make_unique_for_overwrite<std::byte[]>(options_.buffer_bytes);
  buffer.capacity = options_.buffer_bytes;
  ++buffers_allocated_;
  return buffer;
}

bool LogWriter::RotateLocked() {
  if (active_.size == 0) return true;
  if (free_.empty() && buffers_allocated_ >= options_.max_buffers) return false;
  Buffer next = TakeFreeBufferLocked();
  queued_.push_back(std::exchange(active_, std::move(next)));
  flusher_wake_.notify_one();
  return true;
}

void LogWriter::ReserveLocked(std::unique_lock<std::mutex>& lock, std::size_t frame_size) {
  if (active_.size + frame_size <= active_.capacity) return;
  // Back-pressure: wait for the flusher rather than drop a record.
  buffer_freed_.wait(lock, [&] { return stopping_ || RotateLocked(); });
  if (stopping_ || frame_size <= active_.capacity) return;
  // A record larger than a whole buffer (a big payload kept for replay) gets
  // a buffer of its own size; the flusher frees it instead of reusing it.
  active_.bytes = std::make_unique_for_overwrite<std::byte[]>(frame_size);
  active_.capacity = frame_size;
}

void LogWriter::OnOp(const OpEvent& event) {
  // A payload the backend did not hash is hashed after the reply when the
  // edge allows it, else here, before the lock. A kept payload is copied
  // after the reply too.
  const bool hashed = event.data_xxh3.has_value() && !header_.keep_data;
  const bool postpone =
      !hashed && event.after_reply != nullptr && !event.after_reply->full() && !event.data.empty();
  const std::uint64_t data_hash = hashed ? *event.data_xxh3 : postpone ? 0 : HashData(event.data);
  const std::size_t frame_size = RecordFrameSize(event, header_.keep_data);
  std::byte* frame = nullptr;
  {
    std::unique_lock lock(mu_);
    if (!stopping_) ReserveLocked(lock, frame_size);
    if (stopping_) {
      ++late_events_;
      return;
    }
    // Started by the first record, not by Open: a daemon may Open the log,
    // then fork (fuse_daemonize), and threads do not survive a fork.
    if (!flusher_.joinable()) flusher_ = std::thread(&LogWriter::FlusherLoop, this);
    const std::uint64_t seq = next_seq_++;
    frame = active_.bytes.get() + active_.size;
    if (postpone) {
      EncodeRecordHead(event, seq, header_.keep_data, frame);
      ++active_.unsealed;
    } else {
      EncodeRecordFrame(event, seq, data_hash, header_.keep_data, frame);
    }
    active_.size += frame_size;
    active_.last_seq = seq;
    if (active_.size >= options_.buffer_bytes) (void)RotateLocked();
  }
  // The frame's bytes are this thread's alone until it is sealed: no other
  // producer writes there and the flusher waits for unsealed == 0.
  if (postpone) (void)event.after_reply->Defer(this, reinterpret_cast<std::uintptr_t>(frame), event.data);
  // A marker is in the file when the write to .diofs/mark returns: a reader
  // (the harness, once the engines are done) may then read the log up to it
  // while diofs still runs. Its I/O error, if any, is health()'s.
  if (event.kind == OpKind::kMarker) (void)Flush();
}

void LogWriter::OnReplied(std::uint64_t token, std::span<const std::byte> data) {
  auto* frame = reinterpret_cast<std::byte*>(static_cast<std::uintptr_t>(token));
  SealRecordFrame(frame, HashData(data), data);  // outside the lock
  std::lock_guard lock(mu_);
  if (--BufferHoldingLocked(frame).unsealed == 0) flusher_wake_.notify_one();
}

LogWriter::Buffer& LogWriter::BufferHoldingLocked(const std::byte* frame) {
  const auto holds = [frame](const Buffer& b) {
    return std::less_equal<>()(b.bytes.get(), frame) && std::less<>()(frame, b.bytes.get() + b.size);
  };
  if (holds(active_)) return active_;
  // A frame is sealed before its buffer leaves queued_ (FrontWritableLocked).
  return *std::find_if(queued_.begin(), queued_.end(), holds);
}

bool LogWriter::FrontWritableLocked() const { return !queued_.empty() && queued_.front().unsealed == 0; }

void LogWriter::FlusherLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    // A queued buffer waits for its unsealed frames (OnReplied wakes us).
    const auto front_unsealed = [&] { return !queued_.empty() && queued_.front().unsealed != 0; };
    flusher_wake_.wait_for(lock, options_.flush_interval, [&] {
      return FrontWritableLocked() || (!front_unsealed() && (flush_requested_ || stopping_));
    });
    if (front_unsealed()) continue;
    // Woken by a timeout, a Flush() or Close(): the partly filled buffer goes too.
    if (queued_.empty()) {
      (void)RotateLocked();
      flush_requested_ = false;  // else kept: the active buffer goes after the queued ones
    }
    if (queued_.empty()) {
      if (stopping_) return;
      continue;
    }
    if (front_unsealed()) continue;
    Buffer buffer = std::move(queued_.front());
    queued_.pop_front();
    const bool healthy = io_status_.ok();
    lock.unlock();
    dioh::Status status =
        healthy ? file_.Append({buffer.bytes.get(), buffer.size}) : dioh::Status::Ok();
    lock.lock();
    if (!status.ok() && io_status_.ok()) io_status_ = std::move(status);
    // Advanced even after an error, so that Flush() returns instead of waiting forever.
    written_seq_ = std::max(written_seq_, buffer.last_seq);
    buffer.size = 0;
    if (buffer.capacity == options_.buffer_bytes) {
      free_.push_back(std::move(buffer));
    } else {
      --buffers_allocated_;
    }
    buffer_freed_.notify_all();
    written_.notify_all();
  }
}

dioh::Status LogWriter::Flush() {
  std::unique_lock lock(mu_);
  if (stopping_) return io_status_;
  const std::uint64_t target = next_seq_ - 1;
  flush_requested_ = true;
  flusher_wake_.notify_one();
  written_.wait(lock, [&] { return written_seq_ >= target || stopping_; });
  return io_status_;
}

dioh::Status LogWriter::Close() {
  std::uint64_t record_count = 0;
  {
    std::unique_lock lock(mu_);
    if (closed_) return io_status_;
    closed_ = true;
    stopping_ = true;
    flusher_wake_.notify_one();
    buffer_freed_.notify_all();
    written_.notify_all();
  }
  if (flusher_.joinable()) flusher_.join();
  std::unique_lock lock(mu_);
  record_count = next_seq_ - 1;
  if (io_status_.ok()) {
    // Without a trailer (after an I/O error) the reader reports an incomplete log.
    const LogTrailer trailer{record_count, RealtimeNs(), MonotonicNs()};
    dioh::Status status = file_.Append(EncodeTrailerFrame(trailer));
    if (status.ok()) status = file_.Sync();
    if (!status.ok()) io_status_ = std::move(status);
  }
  dioh::Status close_status = file_.Close();
  if (io_status_.ok() && !close_status.ok()) io_status_ = std::move(close_status);
  return io_status_;
}

std::uint64_t LogWriter::records_accepted() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

std::uint64_t LogWriter::late_events() const {
  std::lock_guard lock(mu_);
  return late_events_;
}

dioh::Status LogWriter::health() const {
  std::lock_guard lock(mu_);
  return io_status_;
}

}  // namespace diofs::oplog
