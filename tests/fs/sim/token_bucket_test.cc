#include "fs/sim/token_bucket.h"

#include <gtest/gtest.h>

namespace diofs::sim {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kSecond = 1'000'000'000;

TEST(TokenBucketTest, UnlimitedNeverWaits) {
  TokenBucket bucket(0, kMiB);
  EXPECT_EQ(bucket.Reserve(1ull << 40, 0), 0u);
}

TEST(TokenBucketTest, SequentialStreamTakesSizeOverRate) {
  // 256 MiB in 1 MiB requests at 200 MiB/s, each issued when the last completes.
  TokenBucket bucket(200 * kMiB, 0);
  std::uint64_t now = 5 * kSecond;
  const std::uint64_t start = now;
  for (int i = 0; i < 256; ++i) now += bucket.Reserve(kMiB, now);
  EXPECT_NEAR(static_cast<double>(now - start) / kSecond, 1.28, 1e-6);
}

TEST(TokenBucketTest, BurstGoesAheadThenRateApplies) {
  TokenBucket bucket(kMiB, 4 * kMiB);  // 1 MiB/s, 4 MiB burst
  EXPECT_EQ(bucket.Reserve(4 * kMiB, 0), 0u);
  EXPECT_EQ(bucket.Reserve(kMiB, 0), kSecond);
}

TEST(TokenBucketTest, IdleTimeRefillsOnlyUpToBurst) {
  TokenBucket bucket(kMiB, kMiB);
  EXPECT_EQ(bucket.Reserve(kMiB, 0), 0u);
  // After 100 s idle only one burst is available again, not 100 MiB.
  EXPECT_EQ(bucket.Reserve(kMiB, 100 * kSecond), 0u);
  EXPECT_EQ(bucket.Reserve(kMiB, 100 * kSecond), kSecond);
}

TEST(TokenBucketTest, ConcurrentReservationsShareTheRate) {
  TokenBucket bucket(kMiB, 0);
  // Two requests arriving at once: the second waits for the first.
  EXPECT_EQ(bucket.Reserve(kMiB / 2, 0), kSecond / 2);
  EXPECT_EQ(bucket.Reserve(kMiB / 2, 0), kSecond);
}

}  // namespace
}  // namespace diofs::sim
