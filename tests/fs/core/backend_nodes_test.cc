// Links, special files and extended attributes, the same on both backends.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/fs/core/backend_fixture.h"

namespace diofs {
namespace {

using test::AsBytes;
using test::ReadAll;
using BackendNodesTest = test::BackendFixture;

// Owners a root diofs gives away; a diofs that is not root keeps its own.
NewOwner OwnerFor(mode_t mode) {
  return geteuid() == 0 ? NewOwner{1234, 5678, mode} : NewOwner{geteuid(), getegid(), mode};
}

TEST_P(BackendNodesTest, SymlinkKeepsItsTargetAsGiven) {
  const NewOwner owner = OwnerFor(S_IFLNK | 0777);
  ASSERT_TRUE(backend_->Symlink("/l", "/etc/passwd", owner).ok());
  auto attr = backend_->Stat("/l");
  ASSERT_TRUE(attr.ok());
  EXPECT_TRUE(S_ISLNK(attr->mode));
  EXPECT_EQ(attr->size, 11u);  // lstat(2): the target's length
  EXPECT_EQ(attr->uid, owner.uid);
  EXPECT_EQ(attr->gid, owner.gid);
  EXPECT_EQ(*backend_->ReadLink("/l"), "/etc/passwd");
  ASSERT_TRUE(backend_->Symlink("/dangling", "no/such/../file", owner).ok());
  EXPECT_EQ(*backend_->ReadLink("/dangling"), "no/such/../file");
  EXPECT_EQ(backend_->Symlink("/l", "x", owner).code(), EEXIST);
  ASSERT_TRUE(Create("/f"));
  EXPECT_EQ(backend_->ReadLink("/f").status().code(), EINVAL);
  EXPECT_EQ(backend_->ReadLink("/none").status().code(), ENOENT);
  EXPECT_EQ(backend_->Open("/l", OpenRequest{}).status().code(), ELOOP);  // never followed
  auto list = backend_->List("/");
  ASSERT_TRUE(list.ok());
  for (const DirEntry& e : *list) {
    if (e.name == "l") {
      EXPECT_EQ(e.type, static_cast<mode_t>(S_IFLNK));
    }
  }
}

TEST_P(BackendNodesTest, HardLinksAreOneNodeWithACommonCount) {
  auto f = Create("/a");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->WriteAt(0, AsBytes("shared")).ok());
  ASSERT_TRUE(backend_->MakeDir("/d", OwnerFor(S_IFDIR | 0755)).ok());
  ASSERT_TRUE(backend_->Link("/a", "/d/b").ok());
  auto a = backend_->Stat("/a"), b = backend_->Stat("/d/b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->key.known());
  EXPECT_EQ(a->key, b->key);
  EXPECT_EQ(a->nlink, 2u);
  EXPECT_EQ(b->nlink, 2u);
  auto through_b = backend_->Open("/d/b", OpenRequest{});
  ASSERT_TRUE(through_b.ok());
  EXPECT_EQ(ReadAll(**through_b, 6), "shared");
  EXPECT_EQ(backend_->Link("/a", "/d/b").code(), EEXIST);
  EXPECT_EQ(backend_->Link("/d", "/dir-link").code(), EPERM);  // link(2): no folder
  EXPECT_EQ(backend_->Link("/none", "/x").code(), ENOENT);
  ASSERT_TRUE(backend_->Unlink("/a").ok());
  EXPECT_EQ(backend_->Stat("/d/b")->nlink, 1u);
  EXPECT_EQ((*f->Stat()).nlink, 1u);
  EXPECT_EQ(ReadAll(**through_b, 6), "shared");
}

TEST_P(BackendNodesTest, RenamesAndHardLinks) {
  ASSERT_TRUE(Create("/a"));
  ASSERT_TRUE(backend_->Link("/a", "/b").ok());
  ASSERT_TRUE(backend_->Rename("/a", "/b", 0).ok());  // two names of one file: nothing happens
  EXPECT_TRUE(backend_->Stat("/a").ok());
  EXPECT_EQ(backend_->Stat("/b")->nlink, 2u);
  EXPECT_EQ(backend_->Rename("/a", "/b", RENAME_NOREPLACE).code(), EEXIST);
  ASSERT_TRUE(Create("/c"));
  ASSERT_TRUE(backend_->Rename("/c", "/b", 0).ok());  // /b now names /c's node; /a keeps the old one
  EXPECT_EQ(backend_->Stat("/a")->nlink, 1u);
  EXPECT_NE(backend_->Stat("/a")->key, backend_->Stat("/b")->key);
  ASSERT_TRUE(backend_->Link("/b", "/e").ok());
  ASSERT_TRUE(backend_->Rename("/a", "/e", RENAME_EXCHANGE).ok());
  EXPECT_EQ(backend_->Stat("/b")->key, backend_->Stat("/a")->key);
  EXPECT_EQ(backend_->Stat("/e")->nlink, 1u);
}

TEST_P(BackendNodesTest, MakeNodeMakesFifosSocketsAndFilesButNoDevices) {
  const NewOwner fifo = OwnerFor(S_IFIFO | 0640);
  ASSERT_TRUE(backend_->MakeNode("/fifo", fifo).ok());
  auto attr = backend_->Stat("/fifo");
  ASSERT_TRUE(attr.ok());
  EXPECT_EQ(attr->mode, static_cast<mode_t>(S_IFIFO | 0640));
  EXPECT_EQ(attr->uid, fifo.uid);
  EXPECT_EQ(attr->gid, fifo.gid);
  ASSERT_TRUE(backend_->MakeNode("/sock", OwnerFor(S_IFSOCK | 0755)).ok());
  EXPECT_TRUE(S_ISSOCK(backend_->Stat("/sock")->mode));
  ASSERT_TRUE(backend_->MakeNode("/plain", OwnerFor(S_IFREG | 0600)).ok());
  EXPECT_TRUE(backend_->Stat("/plain")->is_file());
  EXPECT_EQ(backend_->Stat("/plain")->size, 0u);
  EXPECT_EQ(backend_->MakeNode("/null", OwnerFor(S_IFCHR | 0666)).code(), EPERM);
  EXPECT_EQ(backend_->MakeNode("/disk", OwnerFor(S_IFBLK | 0600)).code(), EPERM);
  EXPECT_EQ(backend_->MakeNode("/fifo", fifo).code(), EEXIST);
  if (GetParam() == "passthrough") {
    struct stat st {};
    ASSERT_EQ(lstat((dir_ / "fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(st.st_uid, fifo.uid);  // given away on the real node
  }
}

TEST_P(BackendNodesTest, XattrsOnFilesAndFolders) {
  ASSERT_TRUE(Create("/f"));
  ASSERT_TRUE(backend_->MakeDir("/d", OwnerFor(S_IFDIR | 0755)).ok());
  for (const char* path : {"/f", "/d"}) {
    EXPECT_EQ(backend_->GetXattr(path, "user.k").status().code(), ENODATA) << path;
    EXPECT_EQ(backend_->SetXattr(path, "user.k", "v", XATTR_REPLACE).code(), ENODATA) << path;
    ASSERT_TRUE(backend_->SetXattr(path, "user.k", "v", XATTR_CREATE).ok()) << path;
    EXPECT_EQ(backend_->SetXattr(path, "user.k", "w", XATTR_CREATE).code(), EEXIST) << path;
    ASSERT_TRUE(backend_->SetXattr(path, "user.k", std::string("b\0y", 3), 0).ok()) << path;
    EXPECT_EQ(*backend_->GetXattr(path, "user.k"), std::string("b\0y", 3)) << path;
    ASSERT_TRUE(backend_->SetXattr(path, "user.other", "", 0).ok()) << path;
    auto names = backend_->ListXattr(path);
    ASSERT_TRUE(names.ok()) << path;
    std::sort(names->begin(), names->end());
    // ext4 adds no names of its own to a plain file; a security module might.
    EXPECT_EQ(*names, (std::vector<std::string>{"user.k", "user.other"})) << path;
    ASSERT_TRUE(backend_->RemoveXattr(path, "user.k").ok()) << path;
    EXPECT_EQ(backend_->RemoveXattr(path, "user.k").code(), ENODATA) << path;
  }
  EXPECT_EQ(backend_->GetXattr("/none", "user.k").status().code(), ENOENT);
  if (GetParam() == "passthrough") {
    char value[8] = {};
    EXPECT_EQ(getxattr((dir_ / "f").c_str(), "user.other", value, sizeof value), 0);  // on the real file
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendNodesTest, ::testing::Values("mem", "passthrough"));

// A link made through diofs may point anywhere; diofs itself never follows one.
using PassthroughLinkEscapeTest = test::PassthroughEscapeFixture;

TEST_F(PassthroughLinkEscapeTest, LinksMadeThroughDiofsAreNeverFollowed) {
  const NewOwner owner{geteuid(), getegid(), S_IFLNK | 0777};
  ASSERT_TRUE(backend_->Symlink("/out", (base_ / "outside").string(), owner).ok());
  ASSERT_TRUE(backend_->Symlink("/up", "../outside/secret", owner).ok());
  EXPECT_EQ(*backend_->ReadLink("/out"), (base_ / "outside").string());
  EXPECT_FALSE(backend_->Open("/out/secret", OpenRequest{}).ok());
  EXPECT_FALSE(backend_->Open("/up", OpenRequest{}).ok());
  EXPECT_FALSE(backend_->Link("/out/secret", "/stolen").ok());
  // A hard link to a symlink is another name of the link, not of its target.
  ASSERT_TRUE(backend_->Link("/up", "/d").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(base_ / "inside" / "d"));
  EXPECT_FALSE(backend_->MakeNode("/out/fifo", {0, 0, S_IFIFO | 0600}).ok());
  EXPECT_FALSE(backend_->Symlink("/out/planted", "x", owner).ok());
  EXPECT_FALSE(backend_->SetXattr("/out/secret", "user.x", "1", 0).ok());
  EXPECT_FALSE(backend_->SetXattr("/up", "user.x", "1", 0).ok());  // user. xattrs: not on a symlink
  EXPECT_FALSE(std::filesystem::exists(base_ / "outside" / "fifo"));
  EXPECT_FALSE(std::filesystem::exists(base_ / "outside" / "planted"));
  char value[8];
  EXPECT_LT(getxattr((base_ / "outside" / "secret").c_str(), "user.x", value, sizeof value), 0);
  if (geteuid() == 0) {
    // trusted. may sit on a symlink: it lands on the link, not on its target.
    ASSERT_TRUE(backend_->SetXattr("/up", "trusted.x", "1", 0).ok());
    EXPECT_LT(getxattr((base_ / "outside" / "secret").c_str(), "trusted.x", value, sizeof value), 0);
    EXPECT_EQ(lgetxattr((base_ / "inside" / "up").c_str(), "trusted.x", value, sizeof value), 1);
  }
}

}  // namespace
}  // namespace diofs
