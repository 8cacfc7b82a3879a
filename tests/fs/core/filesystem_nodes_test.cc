// Symlinks, hard links and special files through DioFilesystem, on both
// backends: owners, inodes, nlink, the op log's events and paths.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/fs/core/filesystem_fixture.h"

namespace diofs {
namespace {

using NodesTest = test::FilesystemOnBackend;

// A caller other than root, as a root diofs serves it; a diofs that is not
// root can only give nodes its own user.
Caller User() {
  const bool root = geteuid() == 0;
  return Caller{300, 301, Credentials{root ? 1000u : geteuid(), root ? 1000u : getegid()}};
}

std::span<const std::byte> Text(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

TEST_P(NodesTest, SymlinkBelongsToItsCreatorAndIsLogged) {
  auto link = fs_->Symlink(kRoot, "l", "../anywhere/at all", User());
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_TRUE(S_ISLNK(link->attr.mode));
  EXPECT_EQ(link->attr.uid, User().credentials.uid);
  EXPECT_EQ(link->attr.gid, User().credentials.gid);
  EXPECT_EQ(link->attr.size, 18u);
  EXPECT_EQ(*fs_->ReadLink(link->ino), "../anywhere/at all");
  EXPECT_EQ(fs_->Lookup(kRoot, "l")->ino, link->ino);
  const auto events = observer_.Of(OpKind::kSymlink);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].path, "/l");
  EXPECT_EQ(events[0].text, "../anywhere/at all");
  EXPECT_EQ(events[0].result, 0);
  EXPECT_EQ(fs_->Symlink(kRoot, "l", "x", User()).status().code(), EEXIST);
  EXPECT_EQ(fs_->Symlink(kRoot, ".diofs", "x", User()).status().code(), EEXIST);
  EXPECT_EQ(fs_->Symlink(kRoot, "empty", "", User()).status().code(), ENOENT);
  EXPECT_EQ(fs_->ReadLink(kRoot).status().code(), EINVAL);
}

TEST_P(NodesTest, NodesInASetGroupIdFolderTakeItsGroup) {
  if (geteuid() != 0 && GetParam() == "passthrough") GTEST_SKIP() << "giving nodes away needs root";
  const Caller root{1, 1, Credentials{0, 0}};
  auto dir = fs_->MakeDir(kRoot, "shared", 02775, root);
  ASSERT_TRUE(dir.ok());
  SetAttrRequest chgrp;
  chgrp.gid = 4242;
  ASSERT_TRUE(fs_->SetAttr(dir->ino, std::nullopt, chgrp, root).ok());
  EXPECT_EQ(fs_->Symlink(dir->ino, "l", "t", User())->attr.gid, 4242u);
  EXPECT_EQ(fs_->MakeNode(dir->ino, "fifo", S_IFIFO | 0600, User())->attr.gid, 4242u);
}

TEST_P(NodesTest, HardLinkIsTheSameInodeWithItsOwnerAndCount) {
  const Opened file = CreateFile(kRoot, "a", User());
  ASSERT_EQ(*fs_->Write(file.fh, 0, Text("data"), O_RDWR, User()), 4u);
  auto dir = fs_->MakeDir(kRoot, "d", 0755, User());
  ASSERT_TRUE(dir.ok());
  const Caller other{400, 401, Credentials{0, 0}};
  auto link = fs_->Link(file.entry.ino, dir->ino, "b", other);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->ino, file.entry.ino);  // one inode, two names
  EXPECT_EQ(link->attr.nlink, 2u);
  EXPECT_EQ(link->attr.uid, User().credentials.uid);  // the node keeps its owner
  EXPECT_EQ(fs_->Lookup(dir->ino, "b")->ino, file.entry.ino);
  EXPECT_EQ(fs_->GetAttr(file.entry.ino, std::nullopt)->nlink, 2u);
  const auto links = observer_.Of(OpKind::kLink);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].path, "/a");
  EXPECT_EQ(links[0].text, "/d/b");
  // Unlinking the first name: the inode lives on under the other, and the
  // op log names the transfers by it.
  ASSERT_TRUE(fs_->Unlink(kRoot, "a", User()).ok());
  EXPECT_EQ(fs_->GetAttr(file.entry.ino, std::nullopt)->nlink, 1u);
  ASSERT_TRUE(fs_->Write(file.fh, 4, Text("more"), O_RDWR, User()).ok());
  EXPECT_EQ(observer_.Of(OpKind::kWrite).back().path, "/d/b");
  auto through_b = fs_->Open(file.entry.ino, O_RDONLY, User());
  ASSERT_TRUE(through_b.ok());
  std::string out(8, '\0');
  EXPECT_EQ(*fs_->Read(through_b->fh, 0, std::as_writable_bytes(std::span(out.data(), out.size())), O_RDONLY, User()),
            8u);
  EXPECT_EQ(out, "datamore");
  EXPECT_EQ(fs_->Link(dir->ino, kRoot, "dir-link", User()).status().code(), EPERM);
  EXPECT_EQ(fs_->Link(file.entry.ino, dir->ino, "b", User()).status().code(), EEXIST);
  EXPECT_EQ(fs_->Link(file.entry.ino, kRoot, ".diofs", User()).status().code(), EEXIST);
  EXPECT_EQ(fs_->Link(fs_->Lookup(kRoot, ".diofs")->ino, kRoot, "ctl", User()).status().code(), EPERM);
}

TEST_P(NodesTest, RenameOverOneNameOfALinkedFileKeepsTheOther) {
  const Opened a = CreateFile(kRoot, "a", User());
  ASSERT_TRUE(fs_->Link(a.entry.ino, kRoot, "b", User()).ok());
  const Opened c = CreateFile(kRoot, "c", User());
  ASSERT_TRUE(fs_->Rename(kRoot, "a", kRoot, "b", 0, User()).ok());  // same node: nothing happens
  EXPECT_EQ(fs_->Lookup(kRoot, "a")->ino, a.entry.ino);
  ASSERT_TRUE(fs_->Rename(kRoot, "c", kRoot, "b", 0, User()).ok());
  EXPECT_EQ(fs_->Lookup(kRoot, "b")->ino, c.entry.ino);
  EXPECT_EQ(fs_->GetAttr(a.entry.ino, std::nullopt)->nlink, 1u);
  EXPECT_EQ(fs_->Lookup(kRoot, "a")->ino, a.entry.ino);
}

TEST_P(NodesTest, MakeNodeKeepsFifosAndSocketsForTheirCreator) {
  for (const mode_t type : {S_IFIFO, S_IFSOCK}) {
    const std::string name = type == S_IFIFO ? "fifo" : "sock";
    auto node = fs_->MakeNode(kRoot, name, type | 0640, User());
    ASSERT_TRUE(node.ok()) << name << ": " << node.status().ToString();
    EXPECT_EQ(node->attr.mode, type | 0640);
    EXPECT_EQ(node->attr.uid, User().credentials.uid);
    // The kernel opens FIFOs and sockets itself; diofs refuses, and never waits for a FIFO's writer.
    EXPECT_EQ(fs_->Open(node->ino, O_RDONLY, User()).status().code(), ENXIO);
  }
  const auto events = observer_.Of(OpKind::kMknod);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].path, "/fifo");
  EXPECT_EQ(events[0].aux, static_cast<std::uint32_t>(S_IFIFO | 0640));
  EXPECT_EQ(fs_->MakeNode(kRoot, "null", S_IFCHR | 0666, User()).status().code(), EPERM);
  EXPECT_EQ(observer_.Of(OpKind::kMknod).back().result, -EPERM);
}

TEST_P(NodesTest, UnsyncedDataStaysVolatileWhileAnotherNameHasIt) {
  SimOptions sim;
  sim.volatile_data = true;
  Make(sim);
  const Opened a = CreateFile(kRoot, "a", User());
  ASSERT_TRUE(fs_->Write(a.fh, 0, Text("unsynced"), O_RDWR, User()).ok());
  ASSERT_TRUE(fs_->Link(a.entry.ino, kRoot, "b", User()).ok());
  ASSERT_TRUE(fs_->Unlink(kRoot, "a", User()).ok());
  EXPECT_EQ(*fs_->Crash(false, 0), 1u);  // the write is lost: /b still named it
  EXPECT_EQ(fs_->Lookup(kRoot, "b")->attr.size, 0u);
  ASSERT_TRUE(fs_->Write(a.fh, 0, Text("again"), O_RDWR, User()).ok());
  ASSERT_TRUE(fs_->Unlink(kRoot, "b", User()).ok());
  EXPECT_EQ(*fs_->Crash(false, 0), 0u);  // no name left: nothing to undo
}

INSTANTIATE_TEST_SUITE_P(Backends, NodesTest, ::testing::Values("mem", "passthrough"));

}  // namespace
}  // namespace diofs
