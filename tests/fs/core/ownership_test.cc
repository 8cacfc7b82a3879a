// The kernel's ownership rules that diofs stores (inode_init_owner(),
// file_remove_privs()), without a mount.
#include "fs/core/ownership.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

namespace diofs {
namespace {

constexpr Credentials kUser{1000, 100};
constexpr Credentials kRoot{0, 0};

TEST(OwnershipTest, NewNodeTakesTheCreatorsIds) {
  const NewOwner file = OwnerOfNewNode(kUser, S_IFDIR | 0755, 0, S_IFREG | 0644);
  EXPECT_EQ(file.uid, 1000u);
  EXPECT_EQ(file.gid, 100u);
  EXPECT_EQ(file.mode, static_cast<mode_t>(S_IFREG | 0644));
  // Set-id bits asked for by the creator stay: the file is the creator's own.
  EXPECT_EQ(OwnerOfNewNode(kUser, S_IFDIR | 0777, 0, S_IFREG | 06755).mode, static_cast<mode_t>(S_IFREG | 06755));
}

TEST(OwnershipTest, SetGroupIdFolderGivesItsGroup) {
  const NewOwner file = OwnerOfNewNode(kUser, S_IFDIR | 02775, 50, S_IFREG | 0664);
  EXPECT_EQ(file.uid, 1000u);
  EXPECT_EQ(file.gid, 50u);
  EXPECT_EQ(file.mode, static_cast<mode_t>(S_IFREG | 0664));
  const NewOwner dir = OwnerOfNewNode(kUser, S_IFDIR | 02775, 50, S_IFDIR | 0755);
  EXPECT_EQ(dir.gid, 50u);
  EXPECT_EQ(dir.mode, static_cast<mode_t>(S_IFDIR | 02755));  // folders inherit S_ISGID
}

TEST(OwnershipTest, SetGroupIdExecutableInAForeignGroupLosesTheBit) {
  EXPECT_EQ(OwnerOfNewNode(kUser, S_IFDIR | 02777, 50, S_IFREG | 02755).mode, static_cast<mode_t>(S_IFREG | 0755));
  // Not group-executable: S_ISGID is mandatory locking, kept.
  EXPECT_EQ(OwnerOfNewNode(kUser, S_IFDIR | 02777, 50, S_IFREG | 02745).mode, static_cast<mode_t>(S_IFREG | 02745));
  // Its own group, or root: kept.
  EXPECT_EQ(OwnerOfNewNode(Credentials{1000, 50}, S_IFDIR | 02777, 50, S_IFREG | 02755).mode,
            static_cast<mode_t>(S_IFREG | 02755));
  EXPECT_EQ(OwnerOfNewNode(kRoot, S_IFDIR | 02777, 50, S_IFREG | 02755).mode, static_cast<mode_t>(S_IFREG | 02755));
}

TEST(OwnershipTest, WriteDropsSetIdBitsUnlessPrivileged) {
  EXPECT_EQ(ModeAfterWrite(S_IFREG | 04755, kUser), static_cast<mode_t>(S_IFREG | 0755));
  EXPECT_EQ(ModeAfterWrite(S_IFREG | 06755, kUser), static_cast<mode_t>(S_IFREG | 0755));
  EXPECT_EQ(ModeAfterWrite(S_IFREG | 02745, kUser), std::nullopt);  // S_ISGID without group execute stays
  EXPECT_EQ(ModeAfterWrite(S_IFREG | 0755, kUser), std::nullopt);
  EXPECT_EQ(ModeAfterWrite(S_IFREG | 06755, kRoot), std::nullopt);
  EXPECT_EQ(ModeAfterWrite(S_IFDIR | 02755, kUser), std::nullopt);
}

}  // namespace
}  // namespace diofs
