// Both backends must behave the same: one suite, run on each.
#include "fs/core/backend.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/fs/core/backend_fixture.h"

namespace diofs {
namespace {

constexpr NewOwner kDir0755{0, 0, S_IFDIR | 0755};

using test::AsBytes;
using test::ReadAll;
using BackendTest = test::BackendFixture;

TEST_P(BackendTest, WriteReadStat) {
  auto f = Create("/a");
  ASSERT_TRUE(f);
  ASSERT_EQ(*f->WriteAt(0, AsBytes("hello")), 5u);
  ASSERT_EQ(*f->WriteAt(8192, AsBytes("world")), 5u);
  const std::string content = ReadAll(*f, 9000);
  ASSERT_EQ(content.size(), 8197u);
  EXPECT_EQ(content.substr(0, 5), "hello");
  EXPECT_EQ(content.substr(5, 8187), std::string(8187, '\0'));  // a hole
  EXPECT_EQ(content.substr(8192), "world");
  auto attr = backend_->Stat("/a");
  ASSERT_TRUE(attr.ok());
  EXPECT_TRUE(attr->is_file());
  EXPECT_EQ(attr->size, 8197u);
  EXPECT_EQ(f->Stat()->size, 8197u);
}

TEST_P(BackendTest, PunchHoleAndTruncate) {
  auto f = Create("/a");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->WriteAt(0, AsBytes(std::string(16384, 'x'))).ok());
  ASSERT_TRUE(f->Allocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 8192).ok());
  const std::string content = ReadAll(*f, 16384);
  EXPECT_EQ(content, std::string(4096, 'x') + std::string(8192, '\0') + std::string(4096, 'x'));
  ASSERT_TRUE(backend_->Truncate("/a", 100).ok());
  EXPECT_EQ(backend_->Stat("/a")->size, 100u);
}

TEST_P(BackendTest, Namespace) {
  ASSERT_TRUE(backend_->MakeDir("/d", kDir0755).ok());
  EXPECT_EQ(backend_->MakeDir("/d", kDir0755).code(), EEXIST);
  ASSERT_TRUE(Create("/d/f"));
  EXPECT_EQ(backend_->RemoveDir("/d").code(), ENOTEMPTY);
  auto list = backend_->List("/d");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "f");
  EXPECT_EQ((*list)[0].type, static_cast<mode_t>(S_IFREG));
  ASSERT_TRUE(backend_->Rename("/d/f", "/g", 0).ok());
  EXPECT_EQ(backend_->Stat("/d/f").status().code(), ENOENT);
  ASSERT_TRUE(Create("/h"));
  EXPECT_EQ(backend_->Rename("/g", "/h", RENAME_NOREPLACE).code(), EEXIST);
  ASSERT_TRUE(backend_->Unlink("/g").ok());
  ASSERT_TRUE(backend_->RemoveDir("/d").ok());
  EXPECT_EQ(backend_->Unlink("/nothing").code(), ENOENT);
  ASSERT_TRUE(backend_->SetMode("/h", 0600).ok());
  EXPECT_EQ(backend_->Stat("/h")->mode & 07777, 0600u);
  OpenRequest exclusive;
  exclusive.access = O_RDWR;
  exclusive.create = exclusive.exclusive = true;
  EXPECT_EQ(backend_->Open("/h", exclusive).status().code(), EEXIST);
}

TEST_P(BackendTest, UnlinkedFileStaysUsableThroughItsHandle) {
  auto f = Create("/a");
  ASSERT_TRUE(f);
  ASSERT_TRUE(backend_->Unlink("/a").ok());
  ASSERT_EQ(*f->WriteAt(0, AsBytes("still here")), 10u);
  EXPECT_EQ(ReadAll(*f, 10), "still here");
}

// Owners are stored as a real filesystem stores them. The passthrough
// folder holds real files, so its owners are real: this runs as root (CI
// does) or checks only what a non-root diofs can do.
TEST_P(BackendTest, NewNodesBelongToTheirCreator) {
  const bool root = geteuid() == 0;
  const std::uint32_t uid = root ? 1234 : geteuid(), gid = root ? 5678 : getegid();
  OpenRequest r;
  r.access = O_RDWR;
  r.create = true;
  r.new_file = {uid, gid, S_IFREG | 04750};
  auto f = backend_->Open("/setuid", r);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto attr = backend_->Stat("/setuid");
  ASSERT_TRUE(attr.ok());
  EXPECT_EQ(attr->uid, uid);
  EXPECT_EQ(attr->gid, gid);
  EXPECT_EQ(attr->mode, static_cast<mode_t>(S_IFREG | 04750));
  ASSERT_TRUE(backend_->MakeDir("/d", {uid, gid, S_IFDIR | 02770}).ok());
  attr = backend_->Stat("/d");
  EXPECT_EQ(attr->uid, uid);
  EXPECT_EQ(attr->gid, gid);
  EXPECT_EQ(attr->mode, static_cast<mode_t>(S_IFDIR | 02770));
  // Opening what exists changes no owner.
  r.new_file = {0, 0, S_IFREG | 0600};
  ASSERT_TRUE(backend_->Open("/setuid", r).ok());
  EXPECT_EQ(backend_->Stat("/setuid")->uid, uid);
  if (GetParam() == "passthrough") {
    struct stat st {};
    ASSERT_EQ(stat((dir_ / "setuid").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, uid);  // on the real file, not only in diofs' answers
    EXPECT_EQ(st.st_mode, static_cast<mode_t>(S_IFREG | 04750));
  }
}

TEST_P(BackendTest, ChownAndWritesDropSetIdBits) {
  if (geteuid() != 0 && GetParam() == "passthrough") GTEST_SKIP() << "chown to another user needs root";
  OpenRequest r;
  r.access = O_RDWR;
  r.create = true;
  r.new_file = {0, 0, S_IFREG | 06755};
  auto f = backend_->Open("/tool", r);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->RemoveSetIdBits(Credentials{0, 0}).ok());  // root keeps them
  EXPECT_EQ(backend_->Stat("/tool")->mode & 07777, 06755u);
  ASSERT_TRUE((*f)->RemoveSetIdBits(Credentials{1000, 1000}).ok());
  EXPECT_EQ(backend_->Stat("/tool")->mode & 07777, 0755u);
  ASSERT_TRUE(backend_->SetOwner("/tool", 1000, std::nullopt).ok());
  EXPECT_EQ(backend_->Stat("/tool")->uid, 1000u);
  EXPECT_EQ(backend_->Stat("/tool")->gid, 0u);
  ASSERT_TRUE(backend_->SetOwner("/tool", std::nullopt, 2000).ok());
  EXPECT_EQ(backend_->Stat("/tool")->uid, 1000u);
  EXPECT_EQ(backend_->Stat("/tool")->gid, 2000u);
  EXPECT_EQ(backend_->SetOwner("/missing", 1, 1).code(), ENOENT);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::Values("mem", "passthrough"));

class PassthroughEscapeTest : public test::PassthroughEscapeFixture {
 protected:
  void SetUp() override {
    test::PassthroughEscapeFixture::SetUp();
    std::filesystem::create_symlink(base_ / "outside", base_ / "inside" / "abs-link");
    std::filesystem::create_symlink("../outside", base_ / "inside" / "rel-link");
  }
};

TEST_F(PassthroughEscapeTest, NeitherDotDotNorSymlinksLeaveTheFolder) {
  OpenRequest read;
  for (const char* path : {"/../outside/secret", "/abs-link/secret", "/rel-link/secret"}) {
    auto f = backend_->Open(path, read);
    EXPECT_FALSE(f.ok()) << path;
    EXPECT_FALSE(backend_->Stat(std::string(path)).ok()) << path;
  }
  EXPECT_FALSE(backend_->List("/abs-link").ok());
  EXPECT_FALSE(backend_->MakeDir("/rel-link/new", kDir0755).ok());
  EXPECT_FALSE(std::filesystem::exists(base_ / "outside" / "new"));
  EXPECT_FALSE(backend_->Open("/abs-link", read).ok());  // a final symlink is not followed either
  // chmod and chown act on the link itself, never on what it points to.
  std::filesystem::create_symlink(base_ / "outside" / "secret", base_ / "inside" / "file-link");
  EXPECT_FALSE(backend_->SetMode("/file-link", 04777).ok());
  EXPECT_TRUE(backend_->SetOwner("/file-link", 4321, 4321).ok() || geteuid() != 0);
  struct stat st {};
  ASSERT_EQ(stat((base_ / "outside" / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u & ~static_cast<mode_t>(umask(022)));
  EXPECT_EQ(st.st_uid, geteuid());
}

TEST(PassthroughBackendTest, MissingFolderIsNamed) {
  auto b = MakePassthroughBackend("/nonexistent/diofs-backing");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ENOENT);
  EXPECT_NE(b.status().message().find("/nonexistent/diofs-backing"), std::string::npos);
  EXPECT_FALSE(MakeBackend("disk:/tmp").ok());
}

}  // namespace
}  // namespace diofs
