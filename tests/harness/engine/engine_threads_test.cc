#include "harness/engine/engine_threads.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace dioh {
namespace {

TEST(EngineThreadsTest, OnlyMigThreadsAreMigrationThreads) {
  EXPECT_FALSE(HasMigrationThread({}));
  EXPECT_FALSE(HasMigrationThread({"qemu-system-x86", "CPU 0/TCG", "worker", "IO mon_iothread"}));
  EXPECT_TRUE(HasMigrationThread({"qemu-system-x86", "mig/src/main"}));
  EXPECT_TRUE(HasMigrationThread({"mig/dst/recv_1"}));
  EXPECT_FALSE(HasMigrationThread({"xmig/src"}));
}

TEST(EngineThreadsTest, SeesThisProcesssThreadsByName) {
  const std::vector<std::string> names = ThreadNamesOf(getpid());
  ASSERT_FALSE(names.empty());
  EXPECT_TRUE(ThreadNamesOf(-1).empty());
}

// A thread named like QEMU's migration thread: the wait ends when it does.
TEST(EngineThreadsTest, TheWaitEndsWhenTheMigrationThreadEnds) {
  std::promise<void> named, finish;
  std::thread migration([&] {
    pthread_setname_np(pthread_self(), "mig/src/main");
    named.set_value();
    finish.get_future().wait();
  });
  named.get_future().wait();
  EXPECT_TRUE(HasMigrationThread(ThreadNamesOf(getpid())));
  const auto now = std::chrono::steady_clock::now();
  EXPECT_FALSE(WaitForMigrationThreadsToEnd(getpid(), now));  // still there at the deadline
  finish.set_value();
  migration.join();
  EXPECT_TRUE(WaitForMigrationThreadsToEnd(getpid(), std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

}  // namespace
}  // namespace dioh
