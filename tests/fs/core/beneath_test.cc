// The passthrough backend's resolution: nothing diofs resolves may leave
// its folder, and no symlink is ever followed.
#include "fs/core/beneath.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diofs {
namespace {

class BeneathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() / ("diofs-beneath-" + std::to_string(getpid()));
    std::filesystem::create_directories(base_ / "inside" / "sub");
    std::ofstream(base_ / "outside") << "secret";
    std::ofstream(base_ / "inside" / "file") << "mine";
    dir_ = std::make_unique<BeneathDir>(Fd(open((base_ / "inside").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)));
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  std::filesystem::path base_;
  std::unique_ptr<BeneathDir> dir_;
};

TEST_F(BeneathTest, ResolvesInside) {
  Fd file = dir_->Resolve("/file", O_RDONLY);
  ASSERT_TRUE(file.valid());
  char text[8] = {};
  EXPECT_EQ(read(file.get(), text, sizeof text), 4);
  EXPECT_TRUE(dir_->Resolve("/", O_PATH | O_DIRECTORY).valid());
  EXPECT_TRUE(dir_->Resolve("/sub", O_PATH | O_DIRECTORY).valid());
}

TEST_F(BeneathTest, DotDotAndAbsolutePathsStayInside) {
  EXPECT_FALSE(dir_->Resolve("/../outside", O_RDONLY).valid());
  EXPECT_EQ(errno, EXDEV);
  EXPECT_FALSE(dir_->Resolve("/sub/../../outside", O_RDONLY).valid());
  EXPECT_EQ(errno, EXDEV);
}

TEST_F(BeneathTest, NoSymlinkIsFollowedAnywhereInAPath) {
  std::filesystem::create_symlink(base_ / "outside", base_ / "inside" / "absolute");
  std::filesystem::create_symlink("../outside", base_ / "inside" / "relative");
  std::filesystem::create_symlink("file", base_ / "inside" / "sibling");  // stays inside, still not followed
  std::filesystem::create_directory_symlink("sub", base_ / "inside" / "dirlink");
  std::filesystem::create_directory_symlink("/", base_ / "inside" / "root");
  for (const char* path : {"/absolute", "/relative", "/sibling", "/dirlink/x", "/root/etc/passwd"}) {
    EXPECT_FALSE(dir_->Resolve(path, O_RDONLY).valid()) << path;
    EXPECT_TRUE(errno == ELOOP || errno == EXDEV || errno == ENOENT) << path << ": " << errno;
  }
  // O_PATH | O_NOFOLLOW opens the link itself: how diofs acts on one.
  EXPECT_TRUE(dir_->Resolve("/absolute", O_PATH | O_NOFOLLOW).valid());
  // /proc magic links are refused too.
  EXPECT_FALSE(dir_->Resolve("/proc/self/root/etc", O_PATH).valid());
}

TEST_F(BeneathTest, ParentAndNameForAtCalls) {
  auto [parent, name] = dir_->OpenParent("/sub/leaf");
  ASSERT_TRUE(parent.valid());
  EXPECT_EQ(name, "leaf");
  auto [root, empty] = dir_->OpenParent("/");
  ASSERT_TRUE(root.valid());
  EXPECT_EQ(empty, "");
  // A symlinked folder is no parent: *at calls never go through a link.
  std::filesystem::create_directory_symlink("/", base_ / "inside" / "root");
  EXPECT_FALSE(dir_->OpenParent("/root/etc").first.valid());
  EXPECT_FALSE(dir_->OpenParent("/..").first.valid());
}

TEST_F(BeneathTest, ProcPathReachesTheNodeItself) {
  std::filesystem::create_symlink(base_ / "outside", base_ / "inside" / "link");
  Fd link = dir_->Resolve("/link", O_PATH | O_NOFOLLOW);
  ASSERT_TRUE(link.valid());
  char target[256] = {};
  // readlink of the magic link names the symlink node, not its target's content.
  const ssize_t n = readlink(BeneathDir::ProcPath(link).c_str(), target, sizeof target - 1);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(target, static_cast<std::size_t>(n)), (base_ / "inside" / "link").string());
}

}  // namespace
}  // namespace diofs
