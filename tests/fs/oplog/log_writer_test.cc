#include "fs/oplog/log_writer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <map>
#include <thread>

#include "fs/oplog/log_file.h"
#include "fs/core/op_names.h"
#include "fs/oplog/log_reader.h"
#include "oplog_test_util.h"

namespace diofs::oplog {
namespace {

using testing::Bytes;
using testing::NumberedEvent;
using testing::TempDir;

TEST(LogWriterTest, EveryOpKindAndFieldRoundTrips) {
  TempDir dir;
  const std::string path = dir.File("log");
  std::vector<std::string> paths, texts;
  std::vector<std::vector<std::byte>> payloads;
  for (std::size_t n = 0; n < std::size(kAllOpKinds); ++n) {
    paths.push_back("/dir/file" + std::to_string(n));
    texts.push_back(n % 3 == 0 ? "" : "text " + std::to_string(n));
    payloads.push_back(n % 2 == 0 ? Bytes("payload-" + std::to_string(n * 977)) : std::vector<std::byte>{});
  }
  std::vector<OpEvent> events;
  for (std::size_t n = 0; n < std::size(kAllOpKinds); ++n) {
    OpEvent e = NumberedEvent(kAllOpKinds[n], n);
    e.path = paths[n];
    e.text = texts[n];
    e.data = payloads[n];
    events.push_back(e);
  }
  testing::WriteLog(path, events, /*keep_data=*/true);

  auto log = ReadLogFile(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  EXPECT_EQ(log->header.profile, "strict-4k");
  EXPECT_EQ(log->header.max_write, 1u << 20);
  EXPECT_TRUE(log->header.keep_data);
  EXPECT_GT(log->header.start_realtime_ns, 0u);
  EXPECT_GT(log->header.start_monotonic_ns, 0u);
  ASSERT_TRUE(log->trailer.has_value());
  EXPECT_EQ(log->trailer->record_count, events.size());
  ASSERT_EQ(log->records.size(), events.size());
  for (std::size_t n = 0; n < events.size(); ++n) {
    const OpEvent& e = events[n];
    const LogRecord& r = log->records[n];
    SCOPED_TRACE(std::string(OpKindName(e.kind)));
    EXPECT_EQ(r.seq, n + 1);
    EXPECT_EQ(r.kind, e.kind);
    EXPECT_EQ(r.start_ns, e.start_ns);
    EXPECT_EQ(r.end_ns, e.end_ns);
    EXPECT_EQ(r.pid, e.pid);
    EXPECT_EQ(r.tid, e.tid);
    EXPECT_EQ(r.ino, e.ino);
    EXPECT_EQ(r.path, e.path);
    EXPECT_EQ(r.fh, e.fh);
    EXPECT_EQ(r.offset, e.offset);
    EXPECT_EQ(r.length, e.length);
    EXPECT_EQ(r.flags, e.flags);
    EXPECT_EQ(r.aux, e.aux);
    EXPECT_EQ(r.result, e.result);
    EXPECT_EQ(r.rule, e.rule);
    EXPECT_EQ(r.verdict, e.verdict);
    EXPECT_EQ(r.text, e.text);
    EXPECT_EQ(r.data_size, e.data.size());
    EXPECT_EQ(r.data_hash, e.data.empty() ? 0 : XXH3_64bits(e.data.data(), e.data.size()));
    EXPECT_EQ(r.data_kept, !e.data.empty());
    EXPECT_TRUE(std::equal(r.data.begin(), r.data.end(), e.data.begin(), e.data.end()));
  }
}

TEST(LogWriterTest, WithoutKeepDataOnlyTheHashIsStored) {
  TempDir dir;
  const auto payload = Bytes(std::string(4096, 'q'));
  OpEvent e = NumberedEvent(OpKind::kWrite, 2);
  e.data = payload;
  testing::WriteLog(dir.File("log"), {e}, /*keep_data=*/false);
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->records.size(), 1u);
  EXPECT_FALSE(log->header.keep_data);
  EXPECT_FALSE(log->records[0].data_kept);
  EXPECT_TRUE(log->records[0].data.empty());
  EXPECT_EQ(log->records[0].data_size, 4096u);
  EXPECT_EQ(log->records[0].data_hash, XXH3_64bits(payload.data(), payload.size()));
}

// The records of a log written by `threads` threads of `per_thread` ops each,
// whose offsets count 0, 1, 2... per thread, after checking it is complete,
// its seq gap-free and each thread's order kept.
std::vector<LogRecord> ExpectLosslessPerThread(const std::string& path, std::uint32_t threads,
                                               std::uint64_t per_thread) {
  auto log = ReadLogFile(path);
  if (!log.ok()) {
    ADD_FAILURE() << log.status().ToString();
    return {};
  }
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  EXPECT_EQ(log->records.size(), threads * per_thread);
  std::map<std::uint32_t, std::uint64_t> next_offset;
  for (std::size_t i = 0; i < log->records.size(); ++i) {
    const LogRecord& r = log->records[i];
    if (r.seq != i + 1 || r.offset != next_offset[r.tid]++) {
      ADD_FAILURE() << "record " << i << ": seq " << r.seq << ", tid " << r.tid << " offset " << r.offset;
      break;
    }
  }
  EXPECT_EQ(next_offset.size(), threads);
  for (const auto& [tid, count] : next_offset) EXPECT_EQ(count, per_thread) << "tid " << tid;
  return std::move(log->records);
}

// 16 threads x 10 000 calls, with small buffers so that producers must wait
// for the flusher: every call is one record, seq gap-free, per-thread order kept.
TEST(LogWriterTest, SixteenThreadsAreLossless) {
  constexpr std::uint32_t kThreads = 16;
  constexpr std::uint64_t kPerThread = 10'000;
  TempDir dir;
  LogWriterOptions options;
  options.buffer_bytes = 64u << 10;
  options.max_buffers = 3;
  auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 1u << 20, false}, options);
  ASSERT_TRUE(writer.ok());
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto payload = Bytes("thread" + std::to_string(t));
      for (std::uint64_t i = 0; i < kPerThread; ++i) {
        OpEvent e;
        e.kind = (i % 4 == 0) ? OpKind::kRead : OpKind::kWrite;
        e.tid = 1000 + t;
        e.offset = i;
        e.path = "/multifd";
        e.data = payload;
        (*writer)->OnOp(e);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->records_accepted(), kThreads * kPerThread);

  ExpectLosslessPerThread(dir.File("log"), kThreads, kPerThread);
}

TEST(LogWriterTest, UnwritablePathFailsWithTheReason) {
  TempDir dir;
  auto missing_dir = LogWriter::Open(dir.File("no-such-dir/log"), {"strict-4k", 4096, false});
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.status().code(), ENOENT);
  EXPECT_NE(missing_dir.status().message().find("no-such-dir/log"), std::string::npos);
  auto is_dir = LogWriter::Open(dir.File(""), {"strict-4k", 4096, false});
  ASSERT_FALSE(is_dir.ok());
  EXPECT_EQ(is_dir.status().code(), EISDIR);
}

// A writer that never closes (a killed daemon) leaves every flushed record
// and no trailer.
TEST(LogWriterTest, UnclosedLogHasRecordsButNoTrailer) {
  TempDir dir;
  auto writer = LogWriter::Open(dir.File("log"), {"xfs-4k", 4096, true});
  ASSERT_TRUE(writer.ok());
  const auto payload = Bytes("abc");
  for (std::uint64_t i = 0; i < 100; ++i) {
    OpEvent e = NumberedEvent(OpKind::kWrite, i);
    e.data = payload;
    (*writer)->OnOp(e);
  }
  ASSERT_TRUE((*writer)->Flush().ok());
  auto snapshot = ReadWholeFile(dir.File("log"));  // the file as a crash would leave it
  ASSERT_TRUE(snapshot.ok());
  auto log = ParseLog(*snapshot);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->records.size(), 100u);
  EXPECT_FALSE(log->trailer.has_value());
  EXPECT_TRUE(log->damage.ok());
  EXPECT_FALSE(log->complete());
  ASSERT_TRUE((*writer)->Close().ok());
}

TEST(LogWriterTest, FlusherWritesWithoutAnExplicitFlush) {
  TempDir dir;
  LogWriterOptions options;
  options.flush_interval = std::chrono::milliseconds(1);
  auto writer = LogWriter::Open(dir.File("log"), {"tmpfs", 4096, false}, options);
  ASSERT_TRUE(writer.ok());
  (*writer)->OnOp(NumberedEvent(OpKind::kWrite, 0));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t seen = 0;
  while (seen == 0 && std::chrono::steady_clock::now() < deadline) {
    auto log = ReadLogFile(dir.File("log"));
    ASSERT_TRUE(log.ok());
    seen = log->records.size();
    if (seen == 0) std::this_thread::yield();
  }
  EXPECT_EQ(seen, 1u);
}

TEST(LogWriterTest, AMarkerIsInTheFileWhenOnOpReturns) {
  TempDir dir;
  LogWriterOptions options;
  options.flush_interval = std::chrono::hours(1);  // the flusher's timer never fires here
  auto writer = LogWriter::Open(dir.File("log"), {"tmpfs", 4096, false}, options);
  ASSERT_TRUE(writer.ok());
  for (std::uint64_t i = 0; i < 3; ++i) (*writer)->OnOp(NumberedEvent(OpKind::kWrite, i));
  auto before = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->records.size(), 0u);  // buffered
  (*writer)->OnOp(NumberedEvent(OpKind::kMarker, 3));
  auto after = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->records.size(), 4u);  // the marker and every record before it
  EXPECT_EQ(after->records.back().kind, OpKind::kMarker);
  EXPECT_FALSE(after->complete());  // still open: no trailer
  ASSERT_TRUE((*writer)->Close().ok());
}

TEST(LogWriterTest, RecordLargerThanABufferIsKept) {
  TempDir dir;
  LogWriterOptions options;
  options.buffer_bytes = 4096;
  auto writer = LogWriter::Open(dir.File("log"), {"strict-64k", 1u << 20, true}, options);
  ASSERT_TRUE(writer.ok());
  std::vector<std::byte> big(256u << 10);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::byte>(i * 7);
  for (int i = 0; i < 3; ++i) {
    OpEvent e = NumberedEvent(OpKind::kWrite, static_cast<std::uint64_t>(i));
    e.data = big;
    (*writer)->OnOp(e);
  }
  ASSERT_TRUE((*writer)->Close().ok());
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  ASSERT_EQ(log->records.size(), 3u);
  for (const LogRecord& r : log->records) EXPECT_EQ(r.data, big);
}

// As diofs daemonizes: Open in the parent (so a bad path stops the mount),
// fork, record in the child. The parent leaves with _exit, as fuse_daemonize's does.
TEST(LogWriterTest, RecordsFromAChildForkedAfterOpen) {
  TempDir dir;
  const pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 4096, false});
    if (!writer.ok()) _exit(10);
    const pid_t child = fork();
    if (child == 0) {
      for (std::uint64_t i = 0; i < 1000; ++i) (*writer)->OnOp(NumberedEvent(OpKind::kWrite, i));
      _exit((*writer)->Close().ok() ? 0 : 11);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child) _exit(12);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 13);
  }
  int status = 0;
  ASSERT_EQ(waitpid(parent, &status, 0), parent);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  EXPECT_EQ(log->records.size(), 1000u);
}

// kill -9 of a process in the middle of a record stream: no trailer, every
// complete record returned gap-free; a record torn by the kill is reported.
TEST(LogWriterTest, KilledWriterLeavesNoTrailerAndCompleteRecords) {
  constexpr std::uint64_t kFlushedBeforeKill = 2000;
  TempDir dir;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 4096, true});
    if (!writer.ok()) _exit(10);
    const auto payload = Bytes(std::string(4096, 'k'));
    // Keeps recording until killed; the bound only caps the disk a stuck parent would cost.
    for (std::uint64_t i = 0; i < kFlushedBeforeKill + 50'000; ++i) {
      OpEvent e = NumberedEvent(OpKind::kWrite, i);
      e.data = payload;
      (*writer)->OnOp(e);
      if (i + 1 == kFlushedBeforeKill) {
        if (!(*writer)->Flush().ok() || write(ready[1], "x", 1) != 1) _exit(11);
      }
    }
    while (true) pause();
  }
  close(ready[1]);
  char byte = 0;
  const ssize_t got = read(ready[0], &byte, 1);  // the child has flushed kFlushedBeforeKill records
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  close(ready[0]);
  ASSERT_EQ(got, 1);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_FALSE(log->trailer.has_value());
  EXPECT_GE(log->records.size(), kFlushedBeforeKill);
  for (std::size_t i = 0; i < log->records.size(); ++i) ASSERT_EQ(log->records[i].seq, i + 1);
  if (!log->damage.ok()) {  // the kill interrupted a write(2) mid-record
    EXPECT_NE(log->damage.message().find("torn"), std::string::npos) << log->damage.ToString();
  }
}

TEST(LogWriterTest, EventsAfterCloseAreCountedNotWritten) {
  TempDir dir;
  auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 4096, false});
  ASSERT_TRUE(writer.ok());
  (*writer)->OnOp(NumberedEvent(OpKind::kOpen, 1));
  ASSERT_TRUE((*writer)->Close().ok());
  (*writer)->OnOp(NumberedEvent(OpKind::kRead, 2));
  EXPECT_EQ((*writer)->late_events(), 1u);
  EXPECT_EQ((*writer)->records_accepted(), 1u);
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->complete());
  EXPECT_EQ(log->records.size(), 1u);
}

// A write's payload is hashed (and copied) when the AfterReply runs, not in
// OnOp: the record holds the bytes as they were at Run(), under the seq OnOp took.
TEST(LogWriterTest, PostponedPayloadIsHashedWhenTheReplyIsSent) {
  TempDir dir;
  auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 4096, true});
  ASSERT_TRUE(writer.ok());
  auto payload = Bytes("before the reply");
  {
    AfterReply after_reply;
    OpEvent e = NumberedEvent(OpKind::kWrite, 1);
    e.data = payload;
    e.after_reply = &after_reply;
    (*writer)->OnOp(e);
    (*writer)->OnOp(NumberedEvent(OpKind::kFlush, 2));  // a later op of another thread
    EXPECT_EQ((*writer)->records_accepted(), 2u);
    const auto later = Bytes("after  the reply");  // same size: the frame was reserved for it
    std::copy(later.begin(), later.end(), payload.begin());  // in place: the event points there
  }  // the AfterReply runs here
  ASSERT_TRUE((*writer)->Close().ok());
  auto log = ReadLogFile(dir.File("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  ASSERT_EQ(log->records.size(), 2u);
  EXPECT_EQ(log->records[0].kind, OpKind::kWrite);
  EXPECT_EQ(log->records[0].data, payload);
  EXPECT_EQ(log->records[0].data_hash, XXH3_64bits(payload.data(), payload.size()));
  EXPECT_EQ(log->records[1].kind, OpKind::kFlush);
}

// Threads that seal their records late, with buffers so small that unsealed
// frames sit in queued buffers: the file never holds an unsealed frame (the
// reader would report a checksum mismatch), seq stays gap-free and each
// thread's records stay in its order.
TEST(LogWriterTest, PostponedRecordsFromEightThreadsAreLossless) {
  constexpr std::uint32_t kThreads = 8;
  constexpr std::uint64_t kPerThread = 5'000;
  TempDir dir;
  LogWriterOptions options;
  options.buffer_bytes = 16u << 10;
  options.max_buffers = 3;
  options.flush_interval = std::chrono::milliseconds(1);
  auto writer = LogWriter::Open(dir.File("log"), {"strict-4k", 1u << 20, true}, options);
  ASSERT_TRUE(writer.ok());
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto payload = Bytes(std::string(100 + t, static_cast<char>('a' + t)));
      for (std::uint64_t i = 0; i < kPerThread; ++i) {
        AfterReply after_reply;
        OpEvent e;
        e.kind = OpKind::kWrite;
        e.tid = 1000 + t;
        e.offset = i;
        e.path = "/multifd";
        e.data = payload;
        e.after_reply = &after_reply;
        (*writer)->OnOp(e);
        if (i % 2 == 0) after_reply.Run();  // else the destructor runs it
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE((*writer)->Close().ok());
  for (const LogRecord& r : ExpectLosslessPerThread(dir.File("log"), kThreads, kPerThread)) {
    ASSERT_EQ(r.data.size(), 100 + (r.tid - 1000));
  }
}

}  // namespace
}  // namespace diofs::oplog
