// MappedRamEngine on the strict in-memory filesystem: the MigrationEngine
// contract (kSetup from the caller before Start* returns, later states from
// the worker, in order), load verification, failures and Cancel.
#include "migration/runner/mapped_ram_engine.h"

#include <fcntl.h>
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/migration/channel/fake_file_io.h"
#include "migration/runner/cancellable_file_system.h"

namespace mrm::runner {
namespace {

// Records what the listener hears, with the thread it heard it on.
class Recorder {
 public:
  struct Heard {
    qmp::StatusChange change;
    std::thread::id thread;
    std::chrono::steady_clock::time_point when;
  };
  qmp::StatusListener Listener() {
    return [this](const qmp::StatusChange& change) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (change.dirty_sync_count != 0) {
        passes_.push_back(change);  // a MIGRATION_PASS, not a change of status
        return;
      }
      heard_.push_back({change, std::this_thread::get_id(), std::chrono::steady_clock::now()});
      changed_.notify_all();
    };
  }
  std::vector<qmp::StatusChange> Passes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return passes_;
  }
  // Waits (with a deadline) until a status that ends a migration arrives.
  std::vector<Heard> WaitForEnd() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [this] {
      return !heard_.empty() && !qmp::MigrationIsRunning(heard_.back().change.status);
    });
    return heard_;
  }
  std::vector<Heard> Snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return heard_;
  }
  std::vector<qmp::MigrationStatus> Statuses() {
    std::vector<qmp::MigrationStatus> out;
    for (const Heard& h : WaitForEnd()) out.push_back(h.change.status);
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Heard> heard_;
  std::vector<qmp::StatusChange> passes_;
};

GuestSpec SmallGuest(std::uint64_t seed = 5) {
  GuestSpec guest;
  guest.blocks = {{"pc.ram", 2u << 20}, {"vga.vram", 260u << 10}};
  guest.content.seed = seed;
  guest.content.zero_fraction = 0.5;
  return guest;
}

qmp::MigrationJob Job(bool direct_io) {
  qmp::MigrationJob job;
  job.uri.path = "/mig/guest.img";
  job.capabilities.set(params::Capability::kMappedRam, true);
  job.capabilities.set(params::Capability::kMultifd, true);
  job.parameters.multifd_channels = 4;
  job.parameters.direct_io = direct_io;
  job.direct_io = model::DirectIo::Decide(direct_io, true, true);
  return job;
}

using Sequence = std::vector<qmp::MigrationStatus>;
const Sequence kCompletedLoad = {qmp::MigrationStatus::kSetup, qmp::MigrationStatus::kActive, qmp::MigrationStatus::kCompleted};
// A save passes through device (the switchover) as QEMU's does.
const Sequence kCompletedSave = {qmp::MigrationStatus::kSetup, qmp::MigrationStatus::kActive,
                                 qmp::MigrationStatus::kDevice, qmp::MigrationStatus::kCompleted};

TEST(MappedRamEngineTest, SaveThenLoadFollowTheContract) {
  channel::FakeFileSystem fs;
  MappedRamEngine engine(fs, SmallGuest());
  Recorder save;
  ASSERT_TRUE(engine.StartOutgoing(Job(true), save.Listener()).ok());
  const std::vector<Recorder::Heard> at_return = save.Snapshot();
  ASSERT_GE(at_return.size(), 1u);
  EXPECT_EQ(at_return[0].change.status, qmp::MigrationStatus::kSetup);
  EXPECT_EQ(at_return[0].thread, std::this_thread::get_id());

  const std::vector<Recorder::Heard> heard = save.WaitForEnd();
  ASSERT_EQ(heard.size(), 4u);
  EXPECT_EQ(heard[1].change.status, qmp::MigrationStatus::kActive);
  EXPECT_EQ(heard[2].change.status, qmp::MigrationStatus::kDevice);
  EXPECT_EQ(heard[3].change.status, qmp::MigrationStatus::kCompleted);
  EXPECT_NE(heard[3].thread, std::this_thread::get_id());

  const qmp::MigrationProgress progress = engine.Progress();
  EXPECT_EQ(progress.total_bytes, (2u << 20) + (260u << 10));
  EXPECT_EQ((progress.normal_pages + progress.zero_pages) * progress.page_size, progress.total_bytes);
  EXPECT_GT(progress.normal_pages, 0u);
  EXPECT_GT(progress.zero_pages, 0u);
  EXPECT_GE(progress.transferred_bytes, progress.normal_pages * progress.page_size);
  EXPECT_EQ(progress.remaining_bytes, 0u);
  EXPECT_TRUE(progress.total_time_ms.has_value());
  EXPECT_TRUE(progress.setup_time_ms.has_value());
  EXPECT_LE(*progress.setup_time_ms, *progress.total_time_ms);
  // Dirty syncs at setup and at completion, each a MIGRATION_PASS while the
  // status stays what it was (ram_init_bitmaps, ram_save_complete).
  EXPECT_EQ(progress.dirty_sync_count, 2u);
  const std::vector<qmp::StatusChange> passes = save.Passes();
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_EQ(passes[0].dirty_sync_count, 1u);
  EXPECT_EQ(passes[0].status, qmp::MigrationStatus::kSetup);
  EXPECT_EQ(passes[1].dirty_sync_count, 2u);
  EXPECT_EQ(passes[1].status, qmp::MigrationStatus::kDevice);

  // The same engine takes the next migration: the load of what it saved.
  Recorder load;
  ASSERT_TRUE(engine.StartIncoming(Job(true), load.Listener()).ok());
  EXPECT_EQ(load.Statuses(), kCompletedLoad);
  EXPECT_TRUE(load.Passes().empty());  // a destination sends no MIGRATION_PASS

  auto text = engine.Inspect(Job(true).uri);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("vga.vram"), std::string::npos);
  auto json = engine.InspectJson(Job(true).uri);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->front(), '{');
}

TEST(MappedRamEngineTest, LoadOfAnotherGuestFailsNamingBlockAndPage) {
  channel::FakeFileSystem fs;
  MappedRamEngine source(fs, SmallGuest(5));
  Recorder save;
  ASSERT_TRUE(source.StartOutgoing(Job(false), save.Listener()).ok());
  ASSERT_EQ(save.Statuses(), kCompletedSave);

  MappedRamEngine destination(fs, SmallGuest(6));
  Recorder load;
  ASSERT_TRUE(destination.StartIncoming(Job(false), load.Listener()).ok());
  const std::vector<Recorder::Heard> heard = load.WaitForEnd();
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back().change.status, qmp::MigrationStatus::kFailed);
  EXPECT_NE(heard.back().change.error_desc.find("RAM block pc.ram page "), std::string::npos)
      << heard.back().change.error_desc;
}

TEST(MappedRamEngineTest, FilesystemWithoutODirectFailsTheSave) {
  channel::FakeOptions options;
  options.direct_supported = false;
  channel::FakeFileSystem fs(options);
  MappedRamEngine engine(fs, SmallGuest());
  Recorder save;
  ASSERT_TRUE(engine.StartOutgoing(Job(true), save.Listener()).ok());
  const std::vector<Recorder::Heard> heard = save.WaitForEnd();
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back().change.status, qmp::MigrationStatus::kFailed);
  EXPECT_EQ(heard.back().change.error_desc,
            "Could not open '/mig/guest.img': filesystem does not support O_DIRECT");
}

// Holds every I/O until released (a CancellableFileSystem that is never
// cancelled, asked before each call), so a test can act while a migration
// is certainly in progress.
class Gate {
 public:
  // The creating thread's own calls pass: it creates the save's main file
  // where `migrate` is handled, before the worker starts.
  std::function<bool()> Hold() {
    return [this] {
      if (std::this_thread::get_id() == owner_) return false;
      std::unique_lock<std::mutex> lock(mutex_);
      ++waiting_;
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
      return false;
    };
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  bool WaitUntilAnIoWaits() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return waiting_ > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool released_ = false;
  const std::thread::id owner_ = std::this_thread::get_id();
};

// With multifd, and without (every page then goes through the main file,
// which the migrate handler opened: it too must see the cancel).
TEST(MappedRamEngineTest, CancelStopsARunningSave) {
  for (const bool multifd : {true, false}) {
    channel::FakeFileSystem fake;
    Gate gate;
    CancellableFileSystem gated(fake, gate.Hold());
    MappedRamEngine engine(gated, SmallGuest());
    qmp::MigrationJob job = Job(false);
    job.capabilities.set(params::Capability::kMultifd, multifd);
    Recorder save;
    ASSERT_TRUE(engine.StartOutgoing(job, save.Listener()).ok());
    ASSERT_TRUE(gate.WaitUntilAnIoWaits());
    engine.Cancel();
    gate.Release();
    const std::vector<qmp::MigrationStatus> statuses = save.Statuses();
    ASSERT_GE(statuses.size(), 3u) << multifd;
    EXPECT_EQ(statuses.front(), qmp::MigrationStatus::kSetup);
    EXPECT_EQ(statuses[statuses.size() - 2], qmp::MigrationStatus::kCancelling);
    EXPECT_EQ(statuses.back(), qmp::MigrationStatus::kCancelled) << multifd;
    engine.Cancel();  // nothing running: no further change
    EXPECT_EQ(save.Statuses().size(), statuses.size());
  }
}

TEST(MappedRamEngineTest, RefusesASecondMigrationWhileOneRuns) {
  channel::FakeFileSystem fake;
  Gate gate;
  CancellableFileSystem gated(fake, gate.Hold());
  MappedRamEngine engine(gated, SmallGuest());
  Recorder first;
  ASSERT_TRUE(engine.StartOutgoing(Job(false), first.Listener()).ok());
  Recorder second;
  EXPECT_EQ(engine.StartIncoming(Job(false), second.Listener()).message(), "a migration is already running");
  EXPECT_TRUE(second.Snapshot().empty());
  gate.Release();
  EXPECT_EQ(first.Statuses(), kCompletedSave);
}

// As QEMU 10.0 with debug-threads: the thread that handles `migrate` creates
// and truncates the file; the migration thread (mig/src/main) opens every
// channel's file and writes the main stream; the channel threads
// (mig/src/send_N) only write pages.
TEST(MappedRamEngineTest, MigrationThreadOpensTheChannelsWhichOnlyWrite) {
  channel::FakeFileSystem fs;
  MappedRamEngine engine(fs, SmallGuest());
  Recorder save;
  ASSERT_TRUE(engine.StartOutgoing(Job(true), save.Listener()).ok());
  ASSERT_EQ(save.Statuses(), kCompletedSave);
  char own_name[16] = {};
  ::pthread_getname_np(::pthread_self(), own_name, sizeof own_name);
  std::map<int, std::string> opener;  // file id -> thread that opened it
  int channel_opens = 0;
  for (const channel::FakeOp& op : fs.Ops()) {
    if (op.kind == channel::FakeOp::kOpen) {
      opener[op.file_id] = op.thread;
      if (op.flags & O_CREAT) {
        EXPECT_EQ(op.thread, own_name) << "the main file is created where migrate is handled";
      } else {
        ++channel_opens;
        EXPECT_EQ(op.flags, O_WRONLY | O_DIRECT);
        EXPECT_EQ(op.thread, "mig/src/main");
      }
    } else if (op.kind == channel::FakeOp::kTruncate) {
      EXPECT_EQ(op.thread, own_name);
    } else if (op.kind == channel::FakeOp::kWrite && op.direct()) {
      EXPECT_EQ(op.thread.rfind("mig/src/send_", 0), 0u) << op.thread;
      EXPECT_EQ(opener[op.file_id], "mig/src/main");
    } else if (op.kind == channel::FakeOp::kWrite) {
      EXPECT_EQ(op.thread, "mig/src/main") << "the main stream and bitmaps";
    }
  }
  EXPECT_EQ(channel_opens, 4);
}

// An engine on the fake filesystem with `options`, keeping what it logs.
struct LoggingEngine {
  explicit LoggingEngine(channel::FakeOptions options)
      : fs(options), engine(fs, SmallGuest(), [this](const std::string& line) { logged.push_back(line); }) {}
  channel::FakeFileSystem fs;
  std::vector<std::string> logged;
  MappedRamEngine engine;
};

TEST(MappedRamEngineTest, AFileThatCannotBeCreatedFailsTheCommand) {
  channel::FakeOptions options;
  options.truncate_errno = EPERM;
  LoggingEngine e(options);
  MappedRamEngine& engine = e.engine;
  Recorder save;
  const dioh::Status started = engine.StartOutgoing(Job(false), save.Listener());
  EXPECT_EQ(started.message(), "failed to truncate migration file to offset 0: Operation not permitted");
  const std::vector<Recorder::Heard> heard = save.Snapshot();  // all before the return
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].change.status, qmp::MigrationStatus::kSetup);
  EXPECT_EQ(heard[1].change.status, qmp::MigrationStatus::kFailed);
  EXPECT_EQ(heard[1].change.error_desc, started.message());
  EXPECT_TRUE(e.logged.empty());  // QEMU prints nothing for it either
}

// A refused write: QEMU's text in error-desc, the where on the log before it.
TEST(MappedRamEngineTest, RefusedWriteLogsTheDetailAndReportsQemusText) {
  channel::FakeOptions options;
  options.direct_write_errno = ENOSPC;
  LoggingEngine e(options);
  Recorder save;
  ASSERT_TRUE(e.engine.StartOutgoing(Job(true), save.Listener()).ok());
  const std::vector<Recorder::Heard> heard = save.WaitForEnd();
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back().change.error_desc, "Unable to write to file: No space left on device");
  ASSERT_GE(e.logged.size(), 1u);  // one line per failing channel
  for (const std::string& line : e.logged) {
    EXPECT_EQ(line.rfind("multifd send (", 0), 0u) << line;
    EXPECT_NE(line.find("(ramblock pc.ram): No space left on device"), std::string::npos) << line;
  }
}

// total-time runs from `migrate` to completion (migrate_init's start_time,
// migration_calculate_complete): it counts the worker's whole save, RAM
// preparation included, not only the stream.
TEST(MappedRamEngineTest, TotalTimeCountsTheWholeSave) {
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  channel::FakeFileSystem fs;
  GuestSpec guest = SmallGuest();
  guest.blocks = {{"pc.ram", 64u << 20}};  // its preparation takes milliseconds
  MappedRamEngine engine(fs, guest);
  Recorder save;
  const Clock::time_point before = Clock::now();
  ASSERT_TRUE(engine.StartOutgoing(Job(false), save.Listener()).ok());
  const Clock::time_point returned = Clock::now();
  const std::vector<Recorder::Heard> heard = save.WaitForEnd();
  ASSERT_EQ(heard.back().change.status, qmp::MigrationStatus::kCompleted);
  const qmp::MigrationProgress progress = engine.Progress();
  ASSERT_TRUE(progress.total_time_ms.has_value());
  // The worker starts after Start returns and ends before kCompleted is heard.
  EXPECT_GE(static_cast<std::int64_t>(*progress.total_time_ms), ms(heard.back().when - returned) - 1);
  EXPECT_LE(static_cast<std::int64_t>(*progress.total_time_ms), ms(heard.back().when - before) + 1);
  EXPECT_EQ(engine.Progress().total_time_ms, progress.total_time_ms) << "fixed once completed";
}

}  // namespace
}  // namespace mrm::runner
