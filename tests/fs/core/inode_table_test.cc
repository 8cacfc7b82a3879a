#include "fs/core/inode_table.h"

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(InodeTableTest, LookupIsStableAndCounted) {
  InodeTable t;
  const auto a = t.Lookup("/a");
  EXPECT_GE(a, InodeTable::kFirstFileIno);
  EXPECT_EQ(t.Lookup("/a"), a);
  EXPECT_EQ(*t.PathOf(a), "/a");
  t.Forget(a, 1);
  EXPECT_TRUE(t.PathOf(a).has_value());  // one lookup left
  t.Forget(a, 1);
  EXPECT_FALSE(t.PathOf(a).has_value());
  EXPECT_NE(t.Lookup("/a"), a);  // a new inode after the kernel forgot the old one
}

TEST(InodeTableTest, RenameMovesTheSubtreeAndKeepsNumbers) {
  InodeTable t;
  const auto dir = t.Lookup("/d");
  const auto file = t.Lookup("/d/f");
  const auto sibling = t.Lookup("/dx");  // shares the prefix "/d", not the folder
  t.Renamed("/d", "/e");
  EXPECT_EQ(*t.PathOf(dir), "/e");
  EXPECT_EQ(*t.PathOf(file), "/e/f");
  EXPECT_EQ(*t.PathOf(sibling), "/dx");
  EXPECT_EQ(t.Lookup("/e/f"), file);
}

TEST(InodeTableTest, RenameOverDetachesTheReplaced) {
  InodeTable t;
  const auto a = t.Lookup("/a");
  const auto b = t.Lookup("/b");
  t.Renamed("/a", "/b");
  EXPECT_EQ(*t.PathOf(a), "/b");
  EXPECT_FALSE(t.PathOf(b).has_value());
}

TEST(InodeTableTest, ExchangeSwaps) {
  InodeTable t;
  const auto a = t.Lookup("/a");
  const auto a_child = t.Lookup("/a/x");
  const auto b = t.Lookup("/b");
  t.Exchanged("/a", "/b");
  EXPECT_EQ(*t.PathOf(a), "/b");
  EXPECT_EQ(*t.PathOf(a_child), "/b/x");
  EXPECT_EQ(*t.PathOf(b), "/a");
}

TEST(InodeTableTest, RemovedLivesUntilForgotten) {
  InodeTable t;
  const auto a = t.Lookup("/a");
  const std::size_t before = t.size();
  t.Removed("/a");
  EXPECT_FALSE(t.PathOf(a).has_value());
  EXPECT_EQ(t.size(), before);
  t.Forget(a, 1);
  EXPECT_EQ(t.size(), before - 1);
  EXPECT_EQ(*t.PathOf(InodeTable::kRootIno), "/");
}

}  // namespace
}  // namespace diofs
