#include "fs/core/inode_table.h"

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(InodeTableTest, LookupIsStableAndCounted) {
  InodeTable t;
  const auto a = t.Lookup("/a", {});
  EXPECT_GE(a, InodeTable::kFirstFileIno);
  EXPECT_EQ(t.Lookup("/a", {}), a);
  EXPECT_EQ(*t.PathOf(a), "/a");
  t.Forget(a, 1);
  EXPECT_TRUE(t.PathOf(a).has_value());  // one lookup left
  t.Forget(a, 1);
  EXPECT_FALSE(t.PathOf(a).has_value());
  EXPECT_NE(t.Lookup("/a", {}), a);  // a new inode after the kernel forgot the old one
}

TEST(InodeTableTest, RenameMovesTheSubtreeAndKeepsNumbers) {
  InodeTable t;
  const auto dir = t.Lookup("/d", {});
  const auto file = t.Lookup("/d/f", {});
  const auto sibling = t.Lookup("/dx", {});  // shares the prefix "/d", not the folder
  t.Renamed("/d", "/e");
  EXPECT_EQ(*t.PathOf(dir), "/e");
  EXPECT_EQ(*t.PathOf(file), "/e/f");
  EXPECT_EQ(*t.PathOf(sibling), "/dx");
  EXPECT_EQ(t.Lookup("/e/f", {}), file);
}

TEST(InodeTableTest, RenameOverDetachesTheReplaced) {
  InodeTable t;
  const auto a = t.Lookup("/a", {});
  const auto b = t.Lookup("/b", {});
  t.Renamed("/a", "/b");
  EXPECT_EQ(*t.PathOf(a), "/b");
  EXPECT_FALSE(t.PathOf(b).has_value());
}

TEST(InodeTableTest, ExchangeSwaps) {
  InodeTable t;
  const auto a = t.Lookup("/a", {});
  const auto a_child = t.Lookup("/a/x", {});
  const auto b = t.Lookup("/b", {});
  t.Exchanged("/a", "/b");
  EXPECT_EQ(*t.PathOf(a), "/b");
  EXPECT_EQ(*t.PathOf(a_child), "/b/x");
  EXPECT_EQ(*t.PathOf(b), "/a");
}

TEST(InodeTableTest, RemovedLivesUntilForgotten) {
  InodeTable t;
  const auto a = t.Lookup("/a", {});
  const std::size_t before = t.size();
  t.Removed("/a");
  EXPECT_FALSE(t.PathOf(a).has_value());
  EXPECT_EQ(t.size(), before);
  t.Forget(a, 1);
  EXPECT_EQ(t.size(), before - 1);
  EXPECT_EQ(*t.PathOf(InodeTable::kRootIno), "/");
}

TEST(InodeTableTest, HardLinksAreOneInodeUntilTheLastNameGoes) {
  InodeTable t;
  constexpr NodeKey kFile{0, 7};
  const auto a = t.Lookup("/a", kFile);
  EXPECT_EQ(t.Lookup("/d/b", kFile), a);  // link(2): the kernel gets the same inode back
  EXPECT_EQ(*t.InodeOf("/d/b"), a);
  EXPECT_EQ(*t.PathOf(a), "/a");  // the first name that exists
  t.Removed("/a");
  EXPECT_EQ(*t.PathOf(a), "/d/b");
  t.Renamed("/d", "/e");
  EXPECT_EQ(*t.PathOf(a), "/e/b");
  t.Removed("/e/b");
  EXPECT_FALSE(t.PathOf(a).has_value());
  // The backend may give the key of a node with no name left to a new node.
  EXPECT_NE(t.Lookup("/c", kFile), a);
}

TEST(InodeTableTest, RenameOntoAnotherNameOfTheSameNodeChangesNothing) {
  InodeTable t;
  const auto a = t.Lookup("/a", {0, 7});
  t.Lookup("/b", {0, 7});
  t.Renamed("/a", "/b");  // rename(2): both names stay
  EXPECT_EQ(*t.InodeOf("/a"), a);
  EXPECT_EQ(*t.InodeOf("/b"), a);
}

TEST(InodeTableTest, ReplacingOneNameOfALinkedNodeKeepsItsOtherName) {
  InodeTable t;
  const auto a = t.Lookup("/a", {0, 1});
  const auto b = t.Lookup("/b", {0, 2});
  EXPECT_EQ(t.Lookup("/c", {0, 2}), b);
  t.Renamed("/a", "/b");
  EXPECT_EQ(*t.PathOf(a), "/b");
  EXPECT_EQ(*t.PathOf(b), "/c");
}

TEST(InodeTableTest, ANameLeadingToAnotherNodeGetsAnotherInode) {
  InodeTable t;
  const auto old = t.Lookup("/a", {0, 1});
  const auto now = t.Lookup("/a", {0, 2});  // replaced behind the table's back
  EXPECT_NE(now, old);
  EXPECT_FALSE(t.PathOf(old).has_value());
  EXPECT_EQ(*t.PathOf(now), "/a");
}

TEST(InodeTableTest, ForgettingALinkedInodeDropsEveryName) {
  InodeTable t;
  const auto a = t.Lookup("/a", {0, 3});
  t.Lookup("/b", {0, 3});
  t.Forget(a, 2);
  EXPECT_FALSE(t.InodeOf("/a").has_value());
  EXPECT_FALSE(t.InodeOf("/b").has_value());
  EXPECT_NE(t.Lookup("/b", {0, 3}), a);
}

TEST(InodeTableTest, ExchangingTwoNamesOfOneNodeKeepsBoth) {
  InodeTable t;
  const auto a = t.Lookup("/a", {0, 4});
  t.Lookup("/b", {0, 4});
  t.Exchanged("/a", "/b");
  EXPECT_EQ(*t.InodeOf("/a"), a);
  EXPECT_EQ(*t.InodeOf("/b"), a);
  t.Removed("/a");
  EXPECT_EQ(*t.PathOf(a), "/b");
}

}  // namespace
}  // namespace diofs
