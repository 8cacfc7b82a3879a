#include "fs/diocheck/diofs_mount.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

TEST(ParseMountinfoLineTest, ReadsDeviceRootMountPointAndFsType) {
  const auto entry = ParseMountinfoLine(
      "36 35 0:52 / /mnt/dio\\040fs rw,nosuid shared:1 master:2 - fuse.diofs diofs rw,user_id=0");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->major, 0u);
  EXPECT_EQ(entry->minor, 52u);
  EXPECT_EQ(entry->root, "/");
  EXPECT_EQ(entry->mount_point, "/mnt/dio\\040fs");
  EXPECT_EQ(entry->fstype, "fuse.diofs");
}

TEST(ParseMountinfoLineTest, RejectsLinesWithoutSeparatorOrDevice) {
  EXPECT_FALSE(ParseMountinfoLine("36 35 0:52 / /mnt rw").has_value());
  EXPECT_FALSE(ParseMountinfoLine("36 35 zero / /mnt rw - ext4 /dev/sda rw").has_value());
  EXPECT_FALSE(ParseMountinfoLine("").has_value());
}

TEST(UnescapeMountPathTest, UndoesOctalEscapesAndChecksCapacity) {
  char out[32];
  ASSERT_TRUE(UnescapeMountPath("/a\\040b\\134c\\011", out, sizeof(out)));
  EXPECT_STREQ(out, "/a b\\c\t");
  ASSERT_TRUE(UnescapeMountPath("/x\\04", out, sizeof(out)));
  EXPECT_STREQ(out, "/x\\04") << "an incomplete escape stays as it is";
  char small[4];
  EXPECT_FALSE(UnescapeMountPath("/abcd", small, sizeof(small)));
}

// A mount table in a temporary file, read through the real read(2).
class FindDiofsMountPointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/diocheck-mountinfo-XXXXXX";
    fd_ = mkstemp(name);
    ASSERT_GE(fd_, 0);
    unlink(name);
  }
  void TearDown() override { close(fd_); }
  void Write(const std::string& text) {
    ASSERT_EQ(pwrite(fd_, text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
  }
  bool Find(unsigned major, unsigned minor) {
    lseek(fd_, 0, SEEK_SET);
    return FindDiofsMountPoint(fd_, ::read, major, minor, found_, sizeof(found_));
  }
  int fd_ = -1;
  char found_[256] = {};
};

TEST_F(FindDiofsMountPointTest, MatchesDeviceFsTypeAndRoot) {
  Write(
      "22 27 0:21 / /proc rw - proc proc rw\n"
      "40 27 0:60 /sub /bind rw - fuse.diofs diofs rw\n"
      "41 27 0:60 / /mnt/a\\040b rw - fuse.diofs diofs rw\n"
      "42 27 0:61 / /mnt/other rw - fuse.sshfs host: rw\n"
      "43 27 0:62 / /mnt/last rw - fuse.diofs diofs rw");  // no final newline
  ASSERT_TRUE(Find(0, 60));
  EXPECT_STREQ(found_, "/mnt/a b") << "the bind mount of a subfolder is skipped";
  EXPECT_FALSE(Find(0, 61)) << "another FUSE filesystem";
  EXPECT_FALSE(Find(0, 21)) << "not FUSE at all";
  ASSERT_TRUE(Find(0, 62));
  EXPECT_STREQ(found_, "/mnt/last");
}

TEST_F(FindDiofsMountPointTest, SkipsLinesLongerThanItsBufferAndCrossesChunks) {
  std::string table = "50 27 0:70 / /huge rw - fuse.diofs diofs " + std::string(20000, 'o') + "\n";
  for (int i = 0; i < 300; ++i) {
    table += std::to_string(100 + i) + " 27 0:" + std::to_string(100 + i) + " / /m" +
             std::to_string(i) + " rw - ext4 /dev/x rw\n";
  }
  table += "900 27 0:90 / /mnt/diofs rw - fuse.diofs diofs rw\n";
  Write(table);
  EXPECT_FALSE(Find(0, 70)) << "a line longer than the scan buffer is dropped, not misread";
  ASSERT_TRUE(Find(0, 90));
  EXPECT_STREQ(found_, "/mnt/diofs");
}

TEST(ParseProfileMemAlignTest, ReadsThePositiveInteger) {
  EXPECT_EQ(ParseProfileMemAlign(
                R"({"name":"strict-4k","dio_align":512,"mem_align" : 4096,"odirect":"accept"})"),
            4096u);
  EXPECT_EQ(ParseProfileMemAlign(R"({"mem_align":1})"), 1u);
  EXPECT_FALSE(ParseProfileMemAlign(R"({"dio_align":4096})").has_value());
  EXPECT_FALSE(ParseProfileMemAlign(R"({"mem_align":"4096"})").has_value());
  EXPECT_FALSE(ParseProfileMemAlign(R"({"mem_align":0})").has_value());
  EXPECT_FALSE(ParseProfileMemAlign(R"({"mem_align":99999999999999999999})").has_value());
}

}  // namespace
}  // namespace diocheck
