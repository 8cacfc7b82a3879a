// Extended attributes through DioFilesystem, on both backends.
#include <sys/xattr.h>

#include <gtest/gtest.h>

#include "tests/fs/core/filesystem_fixture.h"

namespace diofs {
namespace {

using XattrTest = test::FilesystemOnBackend;

constexpr Caller kRootCaller{1, 2, Credentials{0, 0}};
constexpr Caller kUser{3, 4, Credentials{1000, 1000}};

TEST_P(XattrTest, SetGetListRemove) {
  const Opened f = CreateFile(kRoot, "f", kRootCaller);
  const std::uint64_t ino = f.entry.ino;
  EXPECT_EQ(fs_->GetXattr(ino, "user.k", 100).status().code(), ENODATA);
  ASSERT_TRUE(fs_->SetXattr(ino, "user.k", "value", XATTR_CREATE).ok());
  EXPECT_EQ(fs_->SetXattr(ino, "user.k", "again", XATTR_CREATE).code(), EEXIST);
  EXPECT_EQ(fs_->SetXattr(ino, "user.new", "x", XATTR_REPLACE).code(), ENODATA);
  // getxattr(2)'s size protocol: 0 asks the size, a short buffer is ERANGE.
  auto size = fs_->GetXattr(ino, "user.k", 0);
  ASSERT_TRUE(size.ok());
  EXPECT_TRUE(size->size_only);
  EXPECT_EQ(size->data.size(), 5u);
  EXPECT_EQ(fs_->GetXattr(ino, "user.k", 4).status().code(), ERANGE);
  EXPECT_EQ(fs_->GetXattr(ino, "user.k", 5)->data, "value");
  ASSERT_TRUE(fs_->SetXattr(ino, "user.k", "v2", XATTR_REPLACE).ok());
  EXPECT_EQ(fs_->GetXattr(ino, "user.k", 64)->data, "v2");
  ASSERT_TRUE(fs_->SetXattr(ino, "trusted.t", "t", 0).ok());
  const std::string both("trusted.t\0user.k\0", 17);
  auto list = fs_->ListXattr(ino, 0, kRootCaller);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->data.size(), both.size());
  EXPECT_EQ(fs_->ListXattr(ino, 3, kRootCaller).status().code(), ERANGE);
  std::string listed = fs_->ListXattr(ino, 4096, kRootCaller)->data;
  EXPECT_TRUE(listed == both || listed == std::string("user.k\0trusted.t\0", 17)) << listed;
  // "trusted." is listed for a privileged caller only, as ext4 lists it.
  EXPECT_EQ(fs_->ListXattr(ino, 4096, kUser)->data, std::string("user.k\0", 7));
  ASSERT_TRUE(fs_->RemoveXattr(ino, "user.k").ok());
  EXPECT_EQ(fs_->RemoveXattr(ino, "user.k").code(), ENODATA);
  EXPECT_EQ(fs_->GetXattr(ino, "user.k", 64).status().code(), ENODATA);
}

TEST_P(XattrTest, NamesOutsideTheKeptNamespacesAreRefused) {
  const Opened f = CreateFile(kRoot, "f", kRootCaller);
  EXPECT_EQ(fs_->SetXattr(f.entry.ino, "system.posix_acl_access", "x", 0).code(), EOPNOTSUPP);
  EXPECT_EQ(fs_->SetXattr(f.entry.ino, "user.", "x", 0).code(), EINVAL);
  EXPECT_EQ(fs_->GetXattr(f.entry.ino, "os2.x", 10).status().code(), EOPNOTSUPP);
  EXPECT_EQ(fs_->RemoveXattr(f.entry.ino, "bogus").code(), EOPNOTSUPP);
}

TEST_P(XattrTest, FoldersHaveThemAndControlFilesDoNot) {
  auto dir = fs_->MakeDir(kRoot, "d", 0755, kRootCaller);
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(fs_->SetXattr(dir->ino, "user.d", "1", 0).ok());
  EXPECT_EQ(fs_->GetXattr(dir->ino, "user.d", 8)->data, "1");
  ASSERT_TRUE(fs_->SetXattr(kRoot, "user.root", "r", 0).ok());
  EXPECT_EQ(fs_->GetXattr(kRoot, "user.root", 8)->data, "r");
  const std::uint64_t control = fs_->Lookup(kRoot, ".diofs")->ino;
  EXPECT_EQ(fs_->GetXattr(control, "user.x", 8).status().code(), ENODATA);
  EXPECT_EQ(fs_->SetXattr(control, "user.x", "1", 0).code(), EOPNOTSUPP);
  EXPECT_EQ(fs_->ListXattr(control, 0, kRootCaller)->data.size(), 0u);
}

TEST_P(XattrTest, AHardLinkSharesTheAttributes) {
  const Opened f = CreateFile(kRoot, "a", kRootCaller);
  ASSERT_TRUE(fs_->SetXattr(f.entry.ino, "user.k", "shared", 0).ok());
  auto link = fs_->Link(f.entry.ino, kRoot, "b", kRootCaller);
  ASSERT_TRUE(link.ok());
  ASSERT_TRUE(fs_->Unlink(kRoot, "a", kRootCaller).ok());
  EXPECT_EQ(fs_->GetXattr(link->ino, "user.k", 64)->data, "shared");
}

INSTANTIATE_TEST_SUITE_P(Backends, XattrTest, ::testing::Values("mem", "passthrough"));

}  // namespace
}  // namespace diofs
