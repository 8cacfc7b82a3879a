// What the DioFilesystem suites share: an observer that keeps every event,
// and a fixture that runs a suite on each backend ("mem", "passthrough").
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fs/core/filesystem.h"
#include "tests/fs/core/backend_fixture.h"

namespace diofs::test {

struct Recorded {
  OpKind kind;
  std::uint32_t pid, tid;
  std::string path;
  std::uint64_t offset, length;
  std::uint32_t flags, aux;
  std::int64_t result;
  Rule rule;
  Verdict verdict;
  std::size_t data_size;
  std::string text;
};

class RecordingObserver : public OpObserver {
 public:
  void OnOp(const OpEvent& e) override {
    std::lock_guard lock(mutex_);
    events_.push_back({e.kind, e.pid, e.tid, std::string(e.path), e.offset, e.length, e.flags, e.aux, e.result, e.rule,
                       e.verdict, e.data.size(), std::string(e.text)});
    EXPECT_LE(e.start_ns, e.end_ns);
  }
  std::vector<Recorded> Of(OpKind kind) {
    std::lock_guard lock(mutex_);
    std::vector<Recorded> out;
    for (const Recorded& r : events_) {
      if (r.kind == kind) out.push_back(r);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<Recorded> events_;
};

// A DioFilesystem (strict-4k) over the backend the parameter names; the
// passthrough folder is private to the test.
class FilesystemOnBackend : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr std::uint64_t kRoot = InodeTable::kRootIno;

  void SetUp() override { Make({}); }
  void TearDown() override {
    fs_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void Make(const SimOptions& sim) {
    fs_.reset();
    std::unique_ptr<Backend> backend = MakeTestBackend(GetParam(), dir_);
    ASSERT_TRUE(backend);
    fs_ = std::make_unique<DioFilesystem>(std::move(backend), ProfileSwitch{*ProfileByName("strict-4k"), OnViolation::kEinval},
                                          std::vector<OpObserver*>{&observer_}, sim);
  }
  Opened CreateFile(std::uint64_t parent, const std::string& name, const Caller& caller) {
    auto opened = fs_->Create(parent, name, 0644, O_CREAT | O_RDWR, caller);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? *opened : Opened{};
  }

  RecordingObserver observer_;
  std::unique_ptr<DioFilesystem> fs_;
  std::filesystem::path dir_;
};

}  // namespace diofs::test
