// The O_DIRECT rules of every profile, through a real mount: each shape of
// transfer succeeds or fails with EINVAL exactly as the profile's table says.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>

#include "tests/fs/daemon/mount_test_util.h"

namespace {

using diofs_test::AlignedBuffer;

struct Shape {
  std::uint64_t offset, length;
};
// The shapes: (0,4096) (512,512) (0,512) (1,4096) (0,100) (4096,65536) (65536,65536) (1 MiB at 1 MiB).
constexpr Shape kShapes[] = {{0, 4096},      {512, 512},       {0, 512},         {1, 4096},
                             {0, 100},       {4096, 65536},    {65536, 65536},   {1 << 20, 1 << 20}};

// What each profile must do, written out from DESIGN.md's table (not taken
// from the code under test): the offset/length alignment, and whether
// open(O_DIRECT) works at all.
struct ProfileRow {
  const char* name;
  std::uint64_t dio_align;  // 1: no rule
  bool odirect_open;
};
constexpr ProfileRow kProfiles[] = {
    {"strict-4k", 4096, true}, {"ext4-512", 512, true},    {"xfs-4k", 4096, true},   {"tmpfs", 1, true},
    {"no-odirect", 1, false},  {"strict-64k", 65536, true}, {"lenient", 1, true},
};

std::string ShapeName(const Shape& s) { return "(" + std::to_string(s.offset) + "," + std::to_string(s.length) + ")"; }

void PrintTo(const ProfileRow& row, std::ostream* os) { *os << row.name; }  // gtest's name for the case

class ProfileRulesTest : public ::testing::TestWithParam<ProfileRow> {};

TEST_P(ProfileRulesTest, DirectTransfersFollowTheTableAndBufferedAlwaysWork) {
  const ProfileRow row = GetParam();
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", row.name});
  const std::string path = mount->Path("f");
  {  // a 3 MiB file, so that every read shape finds data
    const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, 3 << 20), 0);
    close(fd);
  }
  AlignedBuffer buffer(1 << 20, 0x5A);

  const int direct = open(path.c_str(), O_RDWR | O_DIRECT);
  if (!row.odirect_open) {
    EXPECT_EQ(direct, -1);
    EXPECT_EQ(errno, EINVAL);
    const int created = open(mount->Path("new").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    EXPECT_EQ(created, -1);
    EXPECT_EQ(access(mount->Path("new").c_str(), F_OK), -1) << "a rejected O_DIRECT create must create nothing";
  } else {
    ASSERT_GE(direct, 0) << strerror(errno);
    for (const Shape& s : kShapes) {
      const bool aligned = s.offset % row.dio_align == 0 && s.length % row.dio_align == 0;
      errno = 0;
      const ssize_t wrote = pwrite(direct, buffer.data(), s.length, static_cast<off_t>(s.offset));
      const ssize_t read_back = pread(direct, buffer.data(), s.length, static_cast<off_t>(s.offset));
      if (aligned) {
        EXPECT_EQ(wrote, static_cast<ssize_t>(s.length)) << row.name << " write " << ShapeName(s) << ": " << strerror(errno);
        EXPECT_EQ(read_back, static_cast<ssize_t>(s.length)) << row.name << " read " << ShapeName(s);
      } else {
        EXPECT_EQ(wrote, -1) << row.name << " write " << ShapeName(s) << " must fail";
        EXPECT_EQ(read_back, -1) << row.name << " read " << ShapeName(s) << " must fail";
        EXPECT_EQ(errno, EINVAL) << row.name << " " << ShapeName(s);
      }
    }
    close(direct);
  }

  const int buffered = open(path.c_str(), O_RDWR);
  ASSERT_GE(buffered, 0);
  for (const Shape& s : kShapes) {
    EXPECT_EQ(pwrite(buffered, buffer.data(), s.length, static_cast<off_t>(s.offset)), static_cast<ssize_t>(s.length))
        << row.name << " buffered write " << ShapeName(s);
    EXPECT_EQ(pread(buffered, buffer.data(), s.length, static_cast<off_t>(s.offset)), static_cast<ssize_t>(s.length))
        << row.name << " buffered read " << ShapeName(s);
  }
  close(buffered);
}

INSTANTIATE_TEST_SUITE_P(Profiles, ProfileRulesTest, ::testing::ValuesIn(kProfiles),
                         [](const auto& param_info) {
                           std::string name = param_info.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(MountRulesTest, FcntlTogglesDecideTheNextTransfer) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  AlignedBuffer buffer(4096, 1);
  const int fd = open(mount->Path("f").c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(pwrite(fd, buffer.data(), 100, 1), 100);
  ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_DIRECT), 0);
  EXPECT_EQ(pwrite(fd, buffer.data(), 100, 1), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(pwrite(fd, buffer.data(), 4096, 0), 4096);
  ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_DIRECT), 0);
  EXPECT_EQ(pwrite(fd, buffer.data(), 100, 1), 100);
  close(fd);

  // And the other way: opened with O_DIRECT, then switched off.
  const int direct = open(mount->Path("g").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(direct, 0);
  EXPECT_EQ(pwrite(direct, buffer.data(), 100, 1), -1);
  ASSERT_EQ(fcntl(direct, F_SETFL, fcntl(direct, F_GETFL) & ~O_DIRECT), 0);
  EXPECT_EQ(pwrite(direct, buffer.data(), 100, 1), 100);
  close(direct);
  EXPECT_EQ(diofs_test::Stats(*mount)["ops"]["flag_change"], 3);
}

TEST(MountRulesTest, RecordPolicyLetsTheWriteThroughAndCountsIt) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k", "--on-violation", "record"});
  AlignedBuffer buffer(4096, 7);
  const int fd = open(mount->Path("f").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(pwrite(fd, buffer.data(), 100, 1), 100);
  EXPECT_EQ(pwrite(fd, buffer.data(), 512, 4096), 512);
  close(fd);
  const auto stats = diofs_test::Stats(*mount);
  EXPECT_EQ(stats["violations"]["recorded"]["offset_align"], 1);
  EXPECT_EQ(stats["violations"]["recorded"]["length_align"], 1);
  EXPECT_EQ(stats["violations"]["rejected"]["offset_align"], 0);
  struct stat st {};
  ASSERT_EQ(stat(mount->Path("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 4096 + 512);
}

TEST(MountRulesTest, ProfileSwitchAtRuntimeIsInForceWhenTheWriteReturns) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  AlignedBuffer buffer(4096);
  const int fd = open(mount->Path("f").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(pwrite(fd, buffer.data(), 512, 512), -1);
  {
    std::ofstream control(mount->Path(".diofs/profile"));
    control << "ext4-512\n";
  }
  EXPECT_EQ(pwrite(fd, buffer.data(), 512, 512), 512);
  std::ofstream bad(mount->Path(".diofs/profile"));
  bad << "{\"dio_align\":3000}" << std::flush;
  EXPECT_TRUE(bad.fail()) << "a bad profile must fail the write";
  EXPECT_NE(diofs_test::ReadText(mount->Path(".diofs/profile")).find("\"name\":\"ext4-512\""), std::string::npos);
  close(fd);
}

}  // namespace
