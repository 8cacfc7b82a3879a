// Test helpers for the checks: hand-made op logs (LogBuilder), and real runs
// of the engine in process on the strict fake file system, turned into the
// records diofs would have logged (EngineRun).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/checks/checks.h"
#include "tests/migration/channel/fake_file_io.h"
#include "migration/engine/load.h"
#include "migration/engine/save.h"
#include "migration/format/byte_source.h"
#include "migration/ram/host_ram.h"
#include "tests/migration/engine/engine_test_util.h"

namespace dioh::checks::testing {

using diofs::OpKind;
using diofs::oplog::LogRecord;

inline constexpr std::uint32_t kSavePid = 100;
inline constexpr std::uint32_t kLoadPid = 200;
inline constexpr std::uint32_t kHarnessPid = 300;
inline const std::string kFile = "/guest.img";

// Appends records with consecutive seq numbers.
class LogBuilder {
 public:
  LogRecord& Add(OpKind kind, std::uint32_t pid, std::uint32_t tid, std::uint64_t fh) {
    LogRecord r;
    r.seq = records_.size() + 1;
    r.kind = kind;
    r.pid = pid;
    r.tid = tid;
    r.fh = fh;
    r.path = kFile;
    r.start_ns = r.seq * 1000;
    r.end_ns = r.start_ns + 500;
    records_.push_back(r);
    return records_.back();
  }
  LogRecord& Open(std::uint32_t pid, std::uint32_t tid, std::uint64_t fh, std::uint32_t flags) {
    LogRecord& r = Add((flags & O_CREAT) ? OpKind::kCreate : OpKind::kOpen, pid, tid, fh);
    r.flags = flags;
    return r;
  }
  LogRecord& Write(std::uint32_t pid, std::uint32_t tid, std::uint64_t fh, std::uint64_t offset,
                   std::uint64_t length, std::uint32_t flags) {
    return Transfer(OpKind::kWrite, pid, tid, fh, offset, length, flags);
  }
  LogRecord& Read(std::uint32_t pid, std::uint32_t tid, std::uint64_t fh, std::uint64_t offset,
                  std::uint64_t length, std::uint32_t flags) {
    return Transfer(OpKind::kRead, pid, tid, fh, offset, length, flags);
  }
  const std::vector<LogRecord>& records() const { return records_; }
  std::vector<LogRecord>& records() { return records_; }

 private:
  LogRecord& Transfer(OpKind kind, std::uint32_t pid, std::uint32_t tid, std::uint64_t fh, std::uint64_t offset,
                      std::uint64_t length, std::uint32_t flags) {
    LogRecord& r = Add(kind, pid, tid, fh);
    r.offset = offset;
    r.length = length;
    r.flags = flags;
    r.result = static_cast<std::int64_t>(length);
    return r;
  }
  std::vector<LogRecord> records_;
};

// The check failed (not skipped) and its detail mentions `text`.
inline ::testing::AssertionResult FailedMentioning(const CheckResult& r, const std::string& text) {
  if (r.status != CheckStatus::kFail) return ::testing::AssertionFailure() << "did not fail: " << r.detail;
  if (r.detail.find(text) == std::string::npos) {
    return ::testing::AssertionFailure() << "detail \"" << r.detail << "\" does not mention \"" << text << "\"";
  }
  return ::testing::AssertionSuccess();
}

// A profile preset by name (the test fails at once on an unknown name).
inline diofs::Profile Preset(const std::string& name) {
  auto profile = diofs::ProfileByName(name);
  EXPECT_TRUE(profile.ok()) << profile.status().message();
  return profile.ok() ? *profile : diofs::Profile{};
}
inline diofs::Profile Strict4k() { return Preset("strict-4k"); }

// The engine's final state as the harness's drivers report it.
MigrationOutcome OutcomeOf(const mrm::engine::MigrationStatus& status);

// A CheckInput over `records` with the save and load pids, strict-4k, direct-io off.
inline CheckInput BaseInput(const std::vector<LogRecord>* records) {
  CheckInput in;
  in.records = RecordSource(records);
  in.file_path = kFile;
  in.save_groups = {kSavePid};
  in.load_groups = {kLoadPid};
  in.profile = Strict4k();
  in.save.end = MigrationEnd::kCompleted;
  in.expected = ExpectedOutcome{};
  return in;
}

// A save config: `channels` multifd channels (0: no multifd), direct-io set or not.
inline mrm::engine::SaveConfig SaveWith(std::uint32_t channels, bool direct_io, mrm::ram::ContentSpec content = {}) {
  return mrm::engine::testing::MakeSave(channels, direct_io, content);
}

// One engine run (save, then optionally load) on the fake file system, with
// what diofs would log: each fake open is a handle (fh = file id), each channel
// file a thread (tid = 1000 + file id; the main channel's thread is the pid),
// diofs's verdict on O_DIRECT offsets and lengths; with `preload`, a
// misaligned O_DIRECT buffer is a libdiocheck report instead of the transfer.
struct EngineRun {
  mrm::engine::SaveConfig save;
  std::vector<mrm::ram::RamBlockSpec> blocks = {{"pc.ram", 2u << 20}, {"vga.vram", 1u << 20}};
  mrm::channel::FakeOptions options;
  bool load = true;
  bool preload = false;              // the engines run under libdiocheck
  std::vector<std::uint8_t> prefix;  // put at the start of the file before the save (offset=)

  // Outputs of Run().
  std::vector<LogRecord> records;
  std::vector<std::uint8_t> bytes;
  std::unique_ptr<mrm::format::MemoryByteSource> file;
  mrm::engine::MigrationStatus saved;
  mrm::engine::MigrationStatus loaded;
  // What Input() points CheckInput::ram at.
  mutable std::unique_ptr<SeedRamExpectation> expectation;

  void Run();
  // The CheckInput of the run, as the harness would fill it.
  CheckInput Input() const;
};

}  // namespace dioh::checks::testing
