// A MigrationEngine for tests: starts succeed (or fail on request) and report
// setup then active; the test decides when the migration completes or fails.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "migration/qmp/migration_engine.h"

namespace mrm::qmp::testing {

class FakeEngine final : public MigrationEngine {
 public:
  dioh::Status StartOutgoing(const MigrationJob& job, StatusListener listener) override { return Start(job, listener, true); }
  dioh::Status StartIncoming(const MigrationJob& job, StatusListener listener) override { return Start(job, listener, false); }
  void Cancel() override {
    Report({MigrationStatus::kCancelling, ""});
    Report({MigrationStatus::kCancelled, ""});
  }
  MigrationProgress Progress() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_;
  }

  dioh::Result<std::string> Inspect(const params::MigrationUri& uri) const override { return "inspected " + uri.path; }

  // Test controls, callable from any thread.
  void Complete() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      progress_.transferred_bytes = progress_.total_bytes = 8 << 20;
      progress_.normal_pages = 2048;
      progress_.total_time_ms = 42;
    }
    Report({MigrationStatus::kCompleted, ""});
  }
  void Fail(const std::string& why) { Report({MigrationStatus::kFailed, why}); }
  void RefuseNextStart(dioh::Status status) {
    std::lock_guard<std::mutex> lock(mutex_);
    refusal_ = std::move(status);
  }
  std::vector<MigrationJob> jobs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return jobs_;
  }
  std::vector<bool> outgoing() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return outgoing_;
  }

 private:
  dioh::Status Start(const MigrationJob& job, StatusListener listener, bool outgoing) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (refusal_) {
        dioh::Status refusal = *refusal_;
        refusal_.reset();
        return refusal;
      }
      jobs_.push_back(job);
      outgoing_.push_back(outgoing);
      listener_ = std::move(listener);
      progress_ = {};
    }
    Report({MigrationStatus::kSetup, ""});
    Report({MigrationStatus::kActive, ""});
    return dioh::Status::Ok();
  }
  void Report(const StatusChange& change) {
    StatusListener listener;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      listener = listener_;
    }
    if (listener) listener(change);
  }

  mutable std::mutex mutex_;
  StatusListener listener_;
  MigrationProgress progress_;
  std::optional<dioh::Status> refusal_;
  std::vector<MigrationJob> jobs_;
  std::vector<bool> outgoing_;
};

}  // namespace mrm::qmp::testing
