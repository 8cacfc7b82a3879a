#include "fs/core/page_pool.h"

#include <malloc.h>
#include <sys/mman.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <set>
#include <span>
#include <thread>
#include <vector>

#include "tests/fs/core/resident_bytes.h"

namespace diofs {
namespace {

constexpr std::size_t kPage = PagePool::kPageSize;

using test::ResidentBytes;

TEST(PagePoolTest, PagesAreAlignedDistinctAndCarvedFromSlabs) {
  PagePool pool;
  std::set<std::byte*> seen;
  const std::size_t pages = PagePool::kSlabSize / kPage + 1;  // one more than a slab holds
  for (std::size_t i = 0; i < pages; ++i) {
    std::byte* page = pool.Take();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(page) % kPage, 0u);
    EXPECT_TRUE(seen.insert(page).second) << "page handed out twice";
    std::memset(page, 0xA5, kPage);  // every page is writable
  }
  EXPECT_EQ(pool.slabs(), 2u);
  for (std::byte* page : seen) pool.Give(page);
  EXPECT_EQ(pool.free_pages(), pages);
}

// The pool's memory never asks for huge pages (page_pool.h): the mapping
// holding its pages carries VM_NOHUGEPAGE ("nh" in /proc/self/smaps), so no
// THP setting, "always" included, backs it with them.
TEST(PagePoolTest, ItsMemoryIsNeverBackedByHugePages) {
  PagePool pool;
  std::byte* page = pool.Take();
  std::memset(page, 1, kPage);
  const auto address = reinterpret_cast<std::uintptr_t>(page);
  std::ifstream smaps("/proc/self/smaps");
  ASSERT_TRUE(smaps) << "cannot read /proc/self/smaps";
  bool inside = false, found = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &start, &end) == 2) {  // a mapping's first line
      inside = start <= address && address < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) {
      found = true;
      EXPECT_NE((line + " ").find(" nh "), std::string::npos) << line;
      break;
    }
  }
  EXPECT_TRUE(found) << "no mapping of /proc/self/smaps holds the page";
  pool.Give(page);
}

bool KernelHasPopulateWrite() {
  void* probe = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED) return false;
  const bool supported = madvise(probe, kPage, MADV_POPULATE_WRITE) == 0;
  munmap(probe, kPage);
  return supported;
}

// The thread that carves a slab faults it in whole (MADV_POPULATE_WRITE),
// so that the next 511 first writes take no page fault.
TEST(PagePoolTest, ANewSlabIsFaultedInWhole) {
  if (!KernelHasPopulateWrite()) GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE (Linux < 5.14)";
  PagePool pool;
  const std::uint64_t before = ResidentBytes();
  std::byte* page = pool.Take();  // not written: only the pool touched the slab
  EXPECT_GE(ResidentBytes(), before + PagePool::kSlabSize * 9 / 10);
  pool.Give(page);
}

TEST(PagePoolTest, AGivenPageIsTakenAgainBeforeANewOne) {
  PagePool pool;
  std::byte* first = pool.Take();
  std::byte* second = pool.Take();
  pool.Give(first);
  EXPECT_EQ(pool.Take(), first);
  EXPECT_NE(pool.Take(), second);
  EXPECT_EQ(pool.slabs(), 1u);
}

TEST(PagePoolTest, TakeManyAndGiveManyMoveWholeBatches) {
  PagePool pool;
  std::vector<std::byte*> batch(300);
  pool.TakeMany(batch);
  EXPECT_EQ(std::set<std::byte*>(batch.begin(), batch.end()).size(), 300u);
  EXPECT_EQ(pool.free_pages(), 0u);
  pool.GiveMany(std::span(batch).subspan(100));
  EXPECT_EQ(pool.free_pages(), 200u);
  std::vector<std::byte*> again(200);
  pool.TakeMany(again);
  EXPECT_EQ(std::set<std::byte*>(again.begin(), again.end()),
            std::set<std::byte*>(batch.begin() + 100, batch.end()));
  EXPECT_EQ(pool.slabs(), 1u);
}

// Release returns the free pages' memory (they read as zeros afterwards) and
// leaves the pages in use as they were.
TEST(PagePoolTest, ReleaseReturnsFreePagesAndKeepsPagesInUse) {
  PagePool pool;
  constexpr std::size_t kPages = 16384;  // 64 MiB
  std::vector<std::byte*> pages;
  for (std::size_t i = 0; i < kPages; ++i) {
    pages.push_back(pool.Take());
    std::memset(pages.back(), 0x5A, kPage);
  }
  const std::uint64_t at_peak = ResidentBytes();
  // Keep every 64th page; give back the others, last first (Release sorts them).
  std::vector<std::byte*> kept;
  for (std::size_t i = kPages; i-- > 0;) {
    if (i % 64 == 0) {
      kept.push_back(pages[i]);
    } else {
      pool.Give(pages[i]);
    }
  }
  pool.Release();
  const std::uint64_t after = ResidentBytes();
  EXPECT_LT(after, at_peak - (kPages * kPage) * 9 / 10)
      << "resident " << at_peak << " at the peak, " << after << " after releasing 63 of 64 pages";
  for (std::byte* page : kept) {
    EXPECT_EQ(page[0], std::byte{0x5A});
    EXPECT_EQ(page[kPage - 1], std::byte{0x5A});
  }
  // A released page is handed out again and reads as zeros until written.
  std::byte* again = pool.Take();
  EXPECT_EQ(again[0], std::byte{0});
  EXPECT_EQ(again[kPage - 1], std::byte{0});
  EXPECT_EQ(pool.slabs(), kPages * kPage / PagePool::kSlabSize);
}

// Release gives back only what came back since the last one, and resident
// free pages are handed out before released ones.
TEST(PagePoolTest, ReleaseTakesOnlyNewlyFreedPagesAndResidentOnesGoFirst) {
  PagePool pool;
  constexpr std::size_t kHalf = PagePool::kSlabSize / kPage / 2;
  std::vector<std::byte*> first(kHalf), second(kHalf);  // one whole slab
  pool.TakeMany(first);
  pool.TakeMany(second);
  pool.GiveMany(first);
  pool.Release();
  EXPECT_EQ(pool.released_pages(), kHalf);
  pool.Release();  // nothing new: nothing changes
  EXPECT_EQ(pool.released_pages(), kHalf);
  pool.GiveMany(second);
  EXPECT_EQ(pool.free_pages(), 2 * kHalf);
  EXPECT_EQ(pool.released_pages(), kHalf);
  std::vector<std::byte*> again(kHalf);
  pool.TakeMany(again);  // the resident ones: `second`
  EXPECT_EQ(std::set<std::byte*>(again.begin(), again.end()), std::set<std::byte*>(second.begin(), second.end()));
  std::byte* next = pool.Take();  // then the lowest released page
  EXPECT_EQ(next, *std::min_element(first.begin(), first.end()));
  // The others came back with it, faulted in (up to a slab's worth).
  EXPECT_EQ(pool.released_pages(), 0u);
  EXPECT_EQ(pool.free_pages(), kHalf - 1);
  EXPECT_EQ(pool.slabs(), 1u);
}

// The rest of the slab being handed out is resident: it goes before any
// released page.
TEST(PagePoolTest, TheRestOfTheSlabGoesBeforeReleasedPages) {
  PagePool pool;
  std::vector<std::byte*> pages(64);
  pool.TakeMany(pages);
  pool.GiveMany(pages);
  pool.Release();
  EXPECT_EQ(pool.Take(), *std::max_element(pages.begin(), pages.end()) + kPage);
  EXPECT_EQ(pool.released_pages(), 64u);
}

// The pool keeps no list per page it ever carved (it did: two lists of 8
// bytes per page, 256 KiB for these 64 MiB and 32 MiB for 8 GiB of
// pages): free pages are linked through themselves, released ones kept as
// runs.
TEST(PagePoolTest, ItsBookkeepingDoesNotGrowWithThePagesCarved) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's allocator replaces malloc: mallinfo2 does not see it";
#endif
  const auto heap_bytes = [] {
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;  // in use, small blocks and mapped ones
  };
  PagePool pool;
  constexpr std::size_t kPages = 16384;  // 64 MiB
  std::vector<std::byte*> pages(kPages);
  const std::size_t before = heap_bytes();
  pool.TakeMany(pages);
  pool.GiveMany(pages);
  pool.Release();
  // A quarter of what two lists of 8 bytes per page would hold (the heap
  // moves by a few KiB of its own).
  EXPECT_LT(heap_bytes(), before + kPages * 2 * sizeof(std::byte*) / 4)
      << "the pool's own allocations grew with the pages";
  EXPECT_EQ(pool.released_pages(), kPages);
}

// Taking a released page faults in a slab's worth of released pages at
// once, so that the next writes take no page fault each.
TEST(PagePoolTest, ReleasedPagesAreFaultedInASlabAtATime) {
  if (!KernelHasPopulateWrite()) GTEST_SKIP() << "this kernel has no MADV_POPULATE_WRITE (Linux < 5.14)";
  PagePool pool;
  constexpr std::size_t kPages = 4 * PagePool::kSlabSize / kPage;
  std::vector<std::byte*> pages(kPages);
  pool.TakeMany(pages);
  pool.GiveMany(pages);
  pool.Release();
  ASSERT_EQ(pool.released_pages(), kPages);
  const std::uint64_t before = ResidentBytes();
  std::byte* page = pool.Take();  // not written: only the pool touched the pages
  const std::uint64_t after = ResidentBytes();
  EXPECT_GE(after, before + PagePool::kSlabSize * 9 / 10);
  EXPECT_LT(after, before + 2 * PagePool::kSlabSize) << "more than a slab's worth faulted in";
  EXPECT_EQ(pool.released_pages(), kPages - PagePool::kSlabSize / kPage);
  EXPECT_EQ(page[0], std::byte{0});  // released pages read as zeros, populated or not
  pool.Give(page);
}

// Slabs are carved from 64 MiB regions: the regions' mappings, not one per
// slab, are what vm.max_map_count bounds.
TEST(PagePoolTest, SlabsOfOneRegionAreAdjacent) {
  PagePool pool;
  constexpr std::size_t kPages = 2 * PagePool::kSlabSize / PagePool::kPageSize;
  std::vector<std::byte*> pages(kPages);
  pool.TakeMany(pages);
  EXPECT_EQ(pool.slabs(), 2u);
  EXPECT_EQ(pages[kPages / 2], pages[kPages / 2 - 1] + PagePool::kPageSize);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(pages[0]) % PagePool::kSlabSize, 0u);
}

TEST(PagePoolTest, ThreadsTakeAndGiveWithoutSharingAPage) {
  PagePool pool;
  constexpr int kThreads = 4, kRounds = 2000;
  std::vector<std::thread> threads;
  std::vector<int> errors(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::byte*> mine;
      for (int r = 0; r < kRounds; ++r) {
        std::byte* batch[3];
        pool.TakeMany(batch);  // batches and single pages, interleaved with the other threads
        pool.Give(batch[1]);
        pool.GiveMany(std::span<std::byte* const>(batch + 2, 1));
        std::byte* page = batch[0];
        std::memset(page, t + 1, kPage);
        mine.push_back(page);
        if (r % 500 == 0) pool.Release();
        if (r % 3 == 2) {  // give one back now and then
          pool.Give(mine.front());
          mine.erase(mine.begin());
        }
      }
      for (std::byte* page : mine) {
        if (page[0] != std::byte(t + 1) || page[kPage - 1] != std::byte(t + 1)) ++errors[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], 0) << "thread " << t << " found another's bytes";
}

}  // namespace
}  // namespace diofs
