#include "fs/diocheck/mount_cache.h"

#include <cstring>
#include <memory>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

TEST(MountCacheTest, FindsWhatWasInsertedUntilFull) {
  auto cache = std::make_unique<MountCache>();
  EXPECT_FALSE(cache->Find(42).has_value());
  MountFacts facts;
  facts.device = 42;
  facts.on_diofs = true;
  facts.profile_mem_align = 4096;
  std::strcpy(facts.mount_point, "/mnt/diofs");
  const auto slot = cache->Insert(facts);
  ASSERT_TRUE(slot.has_value());
  EXPECT_EQ(cache->Find(42), slot);
  EXPECT_STREQ(cache->At(*slot).mount_point, "/mnt/diofs");
  EXPECT_EQ(cache->At(*slot).profile_mem_align, 4096u);
  for (int i = 1; i < MountCache::kSlots; ++i) {
    facts.device = 100 + static_cast<uint64_t>(i);
    ASSERT_TRUE(cache->Insert(facts).has_value());
  }
  facts.device = 7;
  EXPECT_FALSE(cache->Insert(facts).has_value()) << "full";
  EXPECT_EQ(cache->Find(100 + MountCache::kSlots - 1), MountCache::kSlots - 1);
}

}  // namespace
}  // namespace diocheck
