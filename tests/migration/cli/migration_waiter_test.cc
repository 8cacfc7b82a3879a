#include "migration/cli/migration_waiter.h"

#include <thread>

#include <gtest/gtest.h>

namespace mrm::cli {
namespace {

// Reports from another thread, as an engine does.
class ThreadedEngine final : public qmp::MigrationEngine {
 public:
  explicit ThreadedEngine(qmp::MigrationStatus end) : end_(end) {}
  ~ThreadedEngine() override {
    if (worker_.joinable()) worker_.join();
  }
  dioh::Status StartOutgoing(const qmp::MigrationJob&, qmp::StatusListener listener) override {
    worker_ = std::thread([this, listener] {
      listener({qmp::MigrationStatus::kSetup, ""});
      listener({qmp::MigrationStatus::kActive, ""});
      listener({end_, end_ == qmp::MigrationStatus::kFailed ? "disk on fire" : ""});
    });
    return dioh::Status::Ok();
  }
  dioh::Status StartIncoming(const qmp::MigrationJob& job, qmp::StatusListener listener) override {
    return StartOutgoing(job, std::move(listener));
  }
  void Cancel() override {}
  qmp::MigrationProgress Progress() const override { return {}; }
  dioh::Result<std::string> Inspect(const params::MigrationUri&) const override { return std::string(); }

 private:
  qmp::MigrationStatus end_;
  std::thread worker_;
};

TEST(MigrationWaiterTest, WaitsForCompletionAcrossThreads) {
  ThreadedEngine engine(qmp::MigrationStatus::kCompleted);
  MigrationWaiter waiter;
  qmp::MigrationController controller(engine, waiter.Listener());
  ASSERT_TRUE(controller.Migrate("file:/tmp/x").ok());
  std::vector<qmp::MigrationStatus> seen;
  std::atomic<bool> stop{false};
  EXPECT_EQ(waiter.WaitForEnd(controller, stop, [&](const qmp::StatusChange& c) { seen.push_back(c.status); }),
            qmp::MigrationStatus::kCompleted);
  EXPECT_EQ(seen, (std::vector<qmp::MigrationStatus>{qmp::MigrationStatus::kSetup, qmp::MigrationStatus::kActive,
                                                qmp::MigrationStatus::kCompleted}));
  EXPECT_EQ(controller.status(), qmp::MigrationStatus::kCompleted);
}

TEST(MigrationWaiterTest, FailureKeepsTheReason) {
  ThreadedEngine engine(qmp::MigrationStatus::kFailed);
  MigrationWaiter waiter;
  qmp::MigrationController controller(engine, waiter.Listener());
  ASSERT_TRUE(controller.MigrateIncoming("file:/tmp/x").ok());
  std::atomic<bool> stop{false};
  EXPECT_EQ(waiter.WaitForEnd(controller, stop, [](const qmp::StatusChange&) {}), qmp::MigrationStatus::kFailed);
  EXPECT_EQ(controller.error_desc(), "disk on fire");
}

}  // namespace
}  // namespace mrm::cli
