#include "migration/cli/migration_waiter.h"

#include <thread>

#include <gtest/gtest.h>

namespace dioh::migration {
namespace {

// Reports from another thread, as an engine does.
class ThreadedEngine final : public MigrationEngine {
 public:
  explicit ThreadedEngine(MigrationStatus end) : end_(end) {}
  ~ThreadedEngine() override {
    if (worker_.joinable()) worker_.join();
  }
  Status StartOutgoing(const MigrationJob&, StatusListener listener) override {
    worker_ = std::thread([this, listener] {
      listener({MigrationStatus::kSetup, ""});
      listener({MigrationStatus::kActive, ""});
      listener({end_, end_ == MigrationStatus::kFailed ? "disk on fire" : ""});
    });
    return Status::Ok();
  }
  Status StartIncoming(const MigrationJob& job, StatusListener listener) override {
    return StartOutgoing(job, std::move(listener));
  }
  void Cancel() override {}
  MigrationProgress Progress() const override { return {}; }
  Result<std::string> Inspect(const MigrationUri&) const override { return std::string(); }

 private:
  MigrationStatus end_;
  std::thread worker_;
};

TEST(MigrationWaiterTest, WaitsForCompletionAcrossThreads) {
  ThreadedEngine engine(MigrationStatus::kCompleted);
  MigrationWaiter waiter;
  MigrationController controller(engine, waiter.Listener());
  ASSERT_TRUE(controller.Migrate("file:/tmp/x").ok());
  std::vector<MigrationStatus> seen;
  std::atomic<bool> stop{false};
  EXPECT_EQ(waiter.WaitForEnd(controller, stop, [&](const StatusChange& c) { seen.push_back(c.status); }),
            MigrationStatus::kCompleted);
  EXPECT_EQ(seen, (std::vector<MigrationStatus>{MigrationStatus::kSetup, MigrationStatus::kActive,
                                                MigrationStatus::kCompleted}));
  EXPECT_EQ(controller.status(), MigrationStatus::kCompleted);
}

TEST(MigrationWaiterTest, FailureKeepsTheReason) {
  ThreadedEngine engine(MigrationStatus::kFailed);
  MigrationWaiter waiter;
  MigrationController controller(engine, waiter.Listener());
  ASSERT_TRUE(controller.MigrateIncoming("file:/tmp/x").ok());
  std::atomic<bool> stop{false};
  EXPECT_EQ(waiter.WaitForEnd(controller, stop, [](const StatusChange&) {}), MigrationStatus::kFailed);
  EXPECT_EQ(controller.error_desc(), "disk on fire");
}

}  // namespace
}  // namespace dioh::migration
