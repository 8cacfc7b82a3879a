#include "migration/engine/channel_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <set>

namespace mrm::engine {
namespace {

TEST(ChannelPool, SyncWaitsForEveryTaskAndUsesEveryChannelIndex) {
  ChannelPool pool(4);
  std::atomic<int> done{0};
  std::mutex mu;
  std::set<uint32_t> channels;
  for (int i = 0; i < 200; ++i) {
    pool.Submit([&](uint32_t channel) {
      {
        std::lock_guard lock(mu);
        channels.insert(channel);
      }
      done.fetch_add(1);
      return dioh::Status::Ok();
    });
  }
  ASSERT_TRUE(pool.Sync().ok());
  EXPECT_EQ(done.load(), 200);
  for (uint32_t c : channels) EXPECT_LT(c, 4u);
}

TEST(ChannelPool, FirstErrorIsKeptAndLaterTasksSkipped) {
  for (uint32_t threads : {0u, 3u}) {
    ChannelPool pool(threads);
    std::atomic<int> ran{0};
    pool.Submit([](uint32_t) { return dioh::Status::Error(EIO, "first"); });
    ASSERT_FALSE(pool.Sync().ok());
    pool.Submit([&](uint32_t) {
      ran.fetch_add(1);
      return dioh::Status::Error(EINVAL, "second");
    });
    dioh::Status s = pool.Sync();
    EXPECT_EQ(s.message(), "first");
    EXPECT_EQ(ran.load(), 0);
    EXPECT_TRUE(pool.failed());
  }
}

TEST(ChannelPool, InlineWithoutThreads) {
  ChannelPool pool(0);
  int ran = 0;
  pool.Submit([&](uint32_t channel) {
    EXPECT_EQ(channel, 0u);
    ++ran;
    return dioh::Status::Ok();
  });
  EXPECT_EQ(ran, 1);  // already ran, before Sync
  EXPECT_TRUE(pool.Sync().ok());
}

}  // namespace
}  // namespace mrm::engine
