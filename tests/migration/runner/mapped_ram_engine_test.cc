// MappedRamEngine on the strict in-memory filesystem: the MigrationEngine
// contract (kSetup from the caller before Start* returns, later states from
// the worker, in order), load verification, failures and Cancel.
#include "migration/runner/mapped_ram_engine.h"

#include <fcntl.h>

#include <chrono>
#include <condition_variable>
#include <functional>
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
  };
  qmp::StatusListener Listener() {
    return [this](const qmp::StatusChange& change) {
      std::lock_guard<std::mutex> lock(mutex_);
      heard_.push_back({change, std::this_thread::get_id()});
      changed_.notify_all();
    };
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
const Sequence kCompletedRun = {qmp::MigrationStatus::kSetup, qmp::MigrationStatus::kActive, qmp::MigrationStatus::kCompleted};

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
  ASSERT_EQ(heard.size(), 3u);
  EXPECT_EQ(heard[1].change.status, qmp::MigrationStatus::kActive);
  EXPECT_EQ(heard[2].change.status, qmp::MigrationStatus::kCompleted);
  EXPECT_NE(heard[2].thread, std::this_thread::get_id());

  const qmp::MigrationProgress progress = engine.Progress();
  EXPECT_EQ(progress.total_bytes, (2u << 20) + (260u << 10));
  EXPECT_EQ((progress.normal_pages + progress.zero_pages) * progress.page_size, progress.total_bytes);
  EXPECT_GT(progress.normal_pages, 0u);
  EXPECT_GT(progress.zero_pages, 0u);
  EXPECT_GE(progress.transferred_bytes, progress.normal_pages * progress.page_size);
  EXPECT_EQ(progress.remaining_bytes, 0u);
  EXPECT_TRUE(progress.total_time_ms.has_value());

  // The same engine takes the next migration: the load of what it saved.
  Recorder load;
  ASSERT_TRUE(engine.StartIncoming(Job(true), load.Listener()).ok());
  EXPECT_EQ(load.Statuses(), kCompletedRun);

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
  ASSERT_EQ(save.Statuses(), kCompletedRun);

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
  std::function<bool()> Hold() {
    return [this] {
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
};

TEST(MappedRamEngineTest, CancelStopsARunningSave) {
  channel::FakeFileSystem fake;
  Gate gate;
  CancellableFileSystem gated(fake, gate.Hold());
  MappedRamEngine engine(gated, SmallGuest());
  Recorder save;
  ASSERT_TRUE(engine.StartOutgoing(Job(false), save.Listener()).ok());
  ASSERT_TRUE(gate.WaitUntilAnIoWaits());
  engine.Cancel();
  gate.Release();
  const std::vector<qmp::MigrationStatus> statuses = save.Statuses();
  ASSERT_GE(statuses.size(), 3u);
  EXPECT_EQ(statuses.front(), qmp::MigrationStatus::kSetup);
  EXPECT_EQ(statuses[statuses.size() - 2], qmp::MigrationStatus::kCancelling);
  EXPECT_EQ(statuses.back(), qmp::MigrationStatus::kCancelled);
  engine.Cancel();  // nothing running: no further change
  EXPECT_EQ(save.Statuses().size(), statuses.size());
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
  EXPECT_EQ(first.Statuses(), kCompletedRun);
}

}  // namespace
}  // namespace mrm::runner
