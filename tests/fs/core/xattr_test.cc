#include "fs/core/xattr.h"

#include <sys/xattr.h>

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(XattrTest, NamesInTheKeptNamespacesOnly) {
  EXPECT_TRUE(CheckXattrName("user.a").ok());
  EXPECT_TRUE(CheckXattrName("trusted.overlay.opaque").ok());
  EXPECT_TRUE(CheckXattrName("security.selinux").ok());
  EXPECT_EQ(CheckXattrName("user.").code(), EINVAL);  // a namespace without a name
  EXPECT_EQ(CheckXattrName("system.posix_acl_access").code(), EOPNOTSUPP);
  EXPECT_EQ(CheckXattrName("usr.a").code(), EOPNOTSUPP);
  EXPECT_EQ(CheckXattrName("").code(), EOPNOTSUPP);
}

TEST(XattrTest, TrustedNamesAreListedForPrivilegedCallersOnly) {
  EXPECT_TRUE(XattrListedFor("user.a", false));
  EXPECT_FALSE(XattrListedFor("trusted.a", false));
  EXPECT_TRUE(XattrListedFor("trusted.a", true));
}

TEST(XattrTest, SetFlagsFollowSetxattr) {
  XattrMap map;
  EXPECT_EQ(map.Get("user.a").status().code(), ENODATA);
  EXPECT_EQ(map.Set("user.a", "1", XATTR_REPLACE).code(), ENODATA);  // nothing to replace
  ASSERT_TRUE(map.Set("user.a", "1", XATTR_CREATE).ok());
  EXPECT_EQ(map.Set("user.a", "2", XATTR_CREATE).code(), EEXIST);
  EXPECT_EQ(*map.Get("user.a"), "1");
  ASSERT_TRUE(map.Set("user.a", "22", XATTR_REPLACE).ok());
  EXPECT_EQ(*map.Get("user.a"), "22");
  ASSERT_TRUE(map.Set("user.a", "", 0).ok());  // an empty value is a value
  EXPECT_EQ(*map.Get("user.a"), "");
  EXPECT_EQ(map.Set("user.big", std::string(kXattrValueMax + 1, 'x'), 0).code(), E2BIG);
  ASSERT_TRUE(map.Set("user.big", std::string(kXattrValueMax, 'x'), 0).ok());
}

TEST(XattrTest, NamesAndRemove) {
  XattrMap map;
  ASSERT_TRUE(map.Set("user.b", "x", 0).ok());
  ASSERT_TRUE(map.Set("user.a", std::string("\0\1", 2), 0).ok());  // values are bytes
  EXPECT_EQ(map.Names(), (std::vector<std::string>{"user.a", "user.b"}));
  EXPECT_EQ(map.Get("user.a")->size(), 2u);
  ASSERT_TRUE(map.Remove("user.a").ok());
  EXPECT_EQ(map.Remove("user.a").code(), ENODATA);
  EXPECT_EQ(map.Names(), (std::vector<std::string>{"user.b"}));
}

TEST(XattrTest, RepliesFollowTheSizeProtocol) {
  auto size = FitXattrReply("value", 0);  // size 0: how long is it?
  ASSERT_TRUE(size.ok());
  EXPECT_TRUE(size->size_only);
  EXPECT_EQ(size->data.size(), 5u);
  EXPECT_EQ(FitXattrReply("value", 4).status().code(), ERANGE);
  auto exact = FitXattrReply("value", 5);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->size_only);
  EXPECT_EQ(exact->data, "value");
  EXPECT_FALSE(FitXattrReply("value", 4096)->size_only);
}

TEST(XattrTest, AListIsNamesEachEndedByNul) {
  EXPECT_EQ(XattrNameList({}), "");
  EXPECT_EQ(XattrNameList({"user.a", "user.bc"}), std::string("user.a\0user.bc\0", 15));
}

}  // namespace
}  // namespace diofs
