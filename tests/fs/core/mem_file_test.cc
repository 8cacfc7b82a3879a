#include "fs/core/mem_file.h"

#include <linux/falloc.h>

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

#include "tests/fs/core/resident_bytes.h"

namespace diofs {
namespace {

std::vector<std::byte> Bytes(std::size_t n, std::uint8_t fill) { return std::vector<std::byte>(n, std::byte{fill}); }

std::vector<std::byte> Read(const MemFile& f, std::uint64_t offset, std::size_t n) {
  std::vector<std::byte> out(n, std::byte{0xEE});
  out.resize(f.ReadAt(offset, out));
  return out;
}

TEST(MemFileTest, HolesReadAsZerosAndOnlyWrittenPagesCost) {
  MemFile f;
  f.Resize(64ull << 30);  // 64 GiB, sparse
  ASSERT_EQ(*f.WriteAt(1ull << 30, Bytes(8192, 0xAB)), 8192u);
  EXPECT_EQ(f.size(), 64ull << 30);
  EXPECT_EQ(f.allocated_pages(), 2u);
  EXPECT_EQ(Read(f, 0, 4096), Bytes(4096, 0));
  EXPECT_EQ(Read(f, 1ull << 30, 8192), Bytes(8192, 0xAB));
}

TEST(MemFileTest, UnalignedWritesSpanPages) {
  MemFile f;
  ASSERT_EQ(*f.WriteAt(4000, Bytes(200, 1)), 200u);
  EXPECT_EQ(f.size(), 4200u);
  EXPECT_EQ(f.allocated_pages(), 2u);
  auto all = Read(f, 0, 5000);
  ASSERT_EQ(all.size(), 4200u);  // short at end of file
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], std::byte{i >= 4000 ? std::uint8_t{1} : std::uint8_t{0}}) << i;
}

TEST(MemFileTest, PunchHoleKeepsSizeAndZeroes) {
  MemFile f;
  ASSERT_EQ(*f.WriteAt(0, Bytes(3 * 4096, 7)), 3u * 4096);
  ASSERT_TRUE(f.Allocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 2 * 4096).ok());
  EXPECT_EQ(f.size(), 3u * 4096);
  EXPECT_EQ(f.allocated_pages(), 2u);  // the middle page went; the partial ones were cleared
  auto all = Read(f, 0, 3 * 4096);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const bool punched = i >= 100 && i < 100 + 2 * 4096;
    ASSERT_EQ(all[i], std::byte{punched ? std::uint8_t{0} : std::uint8_t{7}}) << i;
  }
  EXPECT_EQ(f.Allocate(FALLOC_FL_PUNCH_HOLE, 0, 4096).code(), EOPNOTSUPP);  // needs KEEP_SIZE (vfs_fallocate())
  EXPECT_EQ(f.Allocate(FALLOC_FL_COLLAPSE_RANGE, 0, 4096).code(), EOPNOTSUPP);
}

TEST(MemFileTest, AllocateExtendsUnlessKeepSize) {
  MemFile f;
  ASSERT_TRUE(f.Allocate(FALLOC_FL_KEEP_SIZE, 0, 1 << 20).ok());
  EXPECT_EQ(f.size(), 0u);
  ASSERT_TRUE(f.Allocate(0, 0, 1 << 20).ok());
  EXPECT_EQ(f.size(), 1u << 20);
  EXPECT_EQ(f.allocated_pages(), 0u);
}

TEST(MemFileTest, ShrinkThenGrowReadsZeros) {
  MemFile f;
  ASSERT_EQ(*f.WriteAt(0, Bytes(10000, 9)), 10000u);
  f.Resize(5000);
  f.Resize(10000);
  auto all = Read(f, 0, 10000);
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i], std::byte{i < 5000 ? std::uint8_t{9} : std::uint8_t{0}}) << i;
  }
  f.Resize(64ull << 30);
  f.Resize(0);  // walks the page map, not 16 M page indexes
  EXPECT_EQ(f.allocated_pages(), 0u);
}

TEST(MemFileTest, MatchesAModelUnderRandomOperations) {
  MemFile f;
  std::vector<std::byte> model;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t offset = rng() % 40000;
    const std::size_t length = 1 + rng() % 9000;
    const auto fill = static_cast<std::uint8_t>(rng());
    switch (rng() % 4) {
      case 0:
      case 1:
        ASSERT_TRUE(f.WriteAt(offset, Bytes(length, fill)).ok());
        if (model.size() < offset + length) model.resize(offset + length);
        std::fill(model.begin() + static_cast<std::ptrdiff_t>(offset),
                  model.begin() + static_cast<std::ptrdiff_t>(offset + length), std::byte{fill});
        break;
      case 2:
        ASSERT_TRUE(f.Allocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length).ok());
        for (std::uint64_t b = offset; b < std::min<std::uint64_t>(offset + length, model.size()); ++b) {
          model[b] = std::byte{0};
        }
        break;
      case 3:
        f.Resize(offset);
        model.resize(offset);
        break;
    }
    ASSERT_EQ(f.size(), model.size());
  }
  EXPECT_EQ(Read(f, 0, model.size()), model);
}

}  // namespace
}  // namespace diofs

namespace diofs {
namespace {

using test::ResidentBytes;

// A deleted file's pages go back to the system, also when several threads
// wrote them: its pages go back to the pool, which releases them
// (PagePool::Release, MADV_DONTNEED). With pages from malloc and no trim,
// 87-100 % of them stayed resident.
TEST(MemFileTest, ADeletedFilesPagesGoBackToTheSystem) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's resident shadow memory and quarantine hide what the file gave back";
#endif
  constexpr std::uint64_t kBytes = 64u << 20;
  const std::vector<std::byte> chunk(1 << 20, std::byte{7});
  const std::uint64_t before = ResidentBytes();
  {
    MemFile file;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (std::uint64_t at = t * (kBytes / 4); at < (t + 1) * (kBytes / 4); at += chunk.size()) {
          ASSERT_TRUE(file.WriteAt(at, chunk).ok());
        }
      });
    }
    for (auto& w : writers) w.join();
    EXPECT_GE(ResidentBytes(), before + kBytes * 9 / 10);
  }
  EXPECT_LT(ResidentBytes(), before + kBytes / 10) << "a deleted file's memory stays resident";
}

TEST(PageBudgetTest, CapacityBoundsNewPagesOnly) {
  auto budget = std::make_shared<PageBudget>(4);
  {
    MemFile f(budget);
    ASSERT_EQ(*f.WriteAt(0, Bytes(3 * 4096, 1)), 3u * 4096);
    auto over = f.WriteAt(3 * 4096, Bytes(2 * 4096, 2));
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.status().code(), ENOSPC);
    EXPECT_EQ(f.size(), 3u * 4096) << "a write refused for space writes nothing";
    EXPECT_TRUE(f.WriteAt(100, Bytes(4000, 3)).ok()) << "overwriting allocated pages needs no space";
    ASSERT_TRUE(f.Allocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 2 * 4096).ok());
    EXPECT_EQ(budget->used(), 1u);
    EXPECT_TRUE(f.WriteAt(3 * 4096, Bytes(3 * 4096, 4)).ok());
    EXPECT_EQ(budget->used(), 4u);
  }
  EXPECT_EQ(budget->used(), 0u) << "a deleted file gives its pages back";
}

// Four channels writing to one file at once, across shard boundaries and
// over each other's pages, against a capacity that fits exactly: every page
// is counted once, nothing is refused, the data is whole.
TEST(PageBudgetTest, ConcurrentWritersToOneFileKeepTheBudgetExact) {
  constexpr std::size_t kChunk = 1u << 20;  // MemFile's shard granularity
  constexpr std::size_t kWrite = kChunk / 2;
  constexpr std::uint64_t kBlocks = 72;  // more chunks than shards: shards are shared
  auto budget = std::make_shared<PageBudget>(kBlocks * kWrite / 4096);
  MemFile f(budget);
  // Block b is kWrite bytes at b MiB + 768 KiB: it straddles two chunks.
  const auto offset_of = [](std::uint64_t block) { return block * kChunk + kChunk * 3 / 4; };
  std::vector<std::thread> channels;
  for (std::uint64_t c = 0; c < 4; ++c) {
    channels.emplace_back([&, c] {
      // Each channel writes every block (the same pages as the others), from its own start.
      for (std::uint64_t i = 0; i < kBlocks; ++i) {
        const std::uint64_t block = (i + c * 18) % kBlocks;
        auto done = f.WriteAt(offset_of(block), Bytes(kWrite, static_cast<std::uint8_t>(block + 1)));
        EXPECT_TRUE(done.ok()) << done.status().ToString();
      }
    });
  }
  for (auto& channel : channels) channel.join();
  EXPECT_EQ(f.allocated_pages(), kBlocks * kWrite / 4096);
  EXPECT_EQ(budget->used(), f.allocated_pages());
  EXPECT_EQ(f.size(), offset_of(kBlocks - 1) + kWrite);
  for (std::uint64_t block = 0; block < kBlocks; ++block) {
    ASSERT_EQ(Read(f, offset_of(block), kWrite), Bytes(kWrite, static_cast<std::uint8_t>(block + 1)));
  }
}

}  // namespace
}  // namespace diofs
