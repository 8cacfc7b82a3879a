// The POSIX calls test suites use beyond read and write — rename flags,
// fallocate modes, utimensat, statfs — through DioFilesystem on both
// backends (filesystem.cc, filesystem_io.cc).
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/statvfs.h>

#include <gtest/gtest.h>

#include "tests/fs/core/filesystem_fixture.h"

namespace diofs {
namespace {

using PosixTest = test::FilesystemOnBackend;

constexpr Caller kCaller{1, 2, Credentials{0, 0}};

std::span<const std::byte> Text(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string ReadBack(DioFilesystem& fs, std::uint64_t fh, std::size_t n) {
  std::string out(n, '?');
  auto done = fs.Read(fh, 0, std::as_writable_bytes(std::span(out.data(), out.size())), O_RDWR, kCaller);
  out.resize(done.ok() ? *done : 0);
  return out;
}

TEST_P(PosixTest, RenameNoReplaceAndExchange) {
  const Opened a = CreateFile(kRoot, "a", kCaller);
  const Opened b = CreateFile(kRoot, "b", kCaller);
  ASSERT_TRUE(fs_->Write(a.fh, 0, Text("aaaa"), O_RDWR, kCaller).ok());
  EXPECT_EQ(fs_->Rename(kRoot, "a", kRoot, "b", RENAME_NOREPLACE, kCaller).code(), EEXIST);
  ASSERT_TRUE(fs_->Rename(kRoot, "a", kRoot, "c", RENAME_NOREPLACE, kCaller).ok());
  EXPECT_EQ(fs_->Lookup(kRoot, "c")->ino, a.entry.ino);
  ASSERT_TRUE(fs_->Rename(kRoot, "c", kRoot, "b", RENAME_EXCHANGE, kCaller).ok());
  EXPECT_EQ(fs_->Lookup(kRoot, "b")->ino, a.entry.ino);
  EXPECT_EQ(fs_->Lookup(kRoot, "c")->ino, b.entry.ino);
  EXPECT_EQ(fs_->Lookup(kRoot, "b")->attr.size, 4u);
  EXPECT_EQ(fs_->Rename(kRoot, "c", kRoot, "none", RENAME_EXCHANGE, kCaller).code(), ENOENT);
  EXPECT_EQ(fs_->Rename(kRoot, "c", kRoot, "b", RENAME_EXCHANGE | RENAME_NOREPLACE, kCaller).code(), EINVAL);
  EXPECT_EQ(fs_->Rename(kRoot, "c", kRoot, "w", RENAME_WHITEOUT, kCaller).code(), EINVAL);
  // A folder and a file swap too (renameat2(2) allows any two types).
  auto dir = fs_->MakeDir(kRoot, "d", 0755, kCaller);
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(fs_->Rename(kRoot, "d", kRoot, "b", RENAME_EXCHANGE, kCaller).ok());
  EXPECT_TRUE(fs_->Lookup(kRoot, "b")->attr.is_dir());
  EXPECT_EQ(fs_->Lookup(kRoot, "d")->ino, a.entry.ino);
  ASSERT_TRUE(fs_->Write(a.fh, 4, Text("!"), O_RDWR, kCaller).ok());
  EXPECT_EQ(observer_.Of(OpKind::kWrite).back().path, "/d");  // the log follows the exchange
  const auto renames = observer_.Of(OpKind::kRename);
  ASSERT_GE(renames.size(), 3u);
  EXPECT_EQ(renames[2].aux, static_cast<std::uint32_t>(RENAME_EXCHANGE));
}

TEST_P(PosixTest, FallocateModes) {
  const Opened f = CreateFile(kRoot, "f", kCaller);
  ASSERT_TRUE(fs_->Write(f.fh, 0, Text(std::string(16384, 'x')), O_RDWR, kCaller).ok());
  ASSERT_TRUE(fs_->Fallocate(f.fh, 0, 16384, 4096, kCaller).ok());  // mode 0 extends the file
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, f.fh)->size, 20480u);
  ASSERT_TRUE(fs_->Fallocate(f.fh, FALLOC_FL_KEEP_SIZE, 20480, 8192, kCaller).ok());
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, f.fh)->size, 20480u);
  ASSERT_TRUE(fs_->Fallocate(f.fh, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096, kCaller).ok());
  std::string expected = std::string(4096, 'x') + std::string(4096, '\0') + std::string(8192, 'x') +
                         std::string(4096, '\0');
  EXPECT_EQ(ReadBack(*fs_, f.fh, 20480), expected);
  EXPECT_EQ(fs_->Fallocate(f.fh, FALLOC_FL_PUNCH_HOLE, 0, 4096, kCaller).code(), EOPNOTSUPP);
  EXPECT_EQ(fs_->Fallocate(f.fh, FALLOC_FL_COLLAPSE_RANGE, 0, 4096, kCaller).code(), EOPNOTSUPP);
  EXPECT_EQ(fs_->Fallocate(f.fh, FALLOC_FL_INSERT_RANGE, 0, 4096, kCaller).code(), EOPNOTSUPP);
  const dioh::Status zero = fs_->Fallocate(f.fh, FALLOC_FL_ZERO_RANGE, 8192, 4096, kCaller);
  // tmpfs has no ZERO_RANGE: a passthrough folder there answers as tmpfs does.
  if (GetParam() == "passthrough" && zero.code() == EOPNOTSUPP) GTEST_SKIP() << "the backing filesystem has no ZERO_RANGE";
  ASSERT_TRUE(zero.ok()) << zero.ToString();
  expected.replace(8192, 4096, std::string(4096, '\0'));
  EXPECT_EQ(ReadBack(*fs_, f.fh, 20480), expected);
  ASSERT_TRUE(fs_->Fallocate(f.fh, FALLOC_FL_ZERO_RANGE, 20480, 4096, kCaller).ok());  // and extends
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, f.fh)->size, 24576u);
  const auto events = observer_.Of(OpKind::kFallocate);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().aux, static_cast<std::uint32_t>(FALLOC_FL_ZERO_RANGE));
}

TEST_P(PosixTest, UtimensatSetsEachTimeAlone) {
  const Opened f = CreateFile(kRoot, "f", kCaller);
  SetAttrRequest both;
  both.atime = timespec{1000000000, 123456789};
  both.mtime = timespec{1200000000, 987654321};
  ASSERT_TRUE(fs_->SetAttr(f.entry.ino, std::nullopt, both, kCaller).ok());
  auto attr = fs_->GetAttr(f.entry.ino, std::nullopt);
  EXPECT_EQ(attr->atime.tv_sec, 1000000000);
  EXPECT_EQ(attr->atime.tv_nsec, 123456789);  // nanoseconds kept
  EXPECT_EQ(attr->mtime.tv_sec, 1200000000);
  EXPECT_EQ(attr->mtime.tv_nsec, 987654321);
  EXPECT_GT(attr->ctime.tv_sec, 1200000000);  // a change of times is a change: ctime is now
  SetAttrRequest mtime_only;  // UTIME_OMIT for atime
  mtime_only.mtime = timespec{1300000000, 0};
  ASSERT_TRUE(fs_->SetAttr(f.entry.ino, std::nullopt, mtime_only, kCaller).ok());
  attr = fs_->GetAttr(f.entry.ino, std::nullopt);
  EXPECT_EQ(attr->atime.tv_sec, 1000000000);
  EXPECT_EQ(attr->mtime.tv_sec, 1300000000);
  auto link = fs_->Symlink(kRoot, "l", "f", kCaller);  // utimensat(AT_SYMLINK_NOFOLLOW): the link itself
  ASSERT_TRUE(link.ok());
  ASSERT_TRUE(fs_->SetAttr(link->ino, std::nullopt, both, kCaller).ok());
  EXPECT_EQ(fs_->GetAttr(link->ino, std::nullopt)->mtime.tv_sec, 1200000000);
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, std::nullopt)->mtime.tv_sec, 1300000000);
}

TEST_P(PosixTest, StatfsReportsTheBackendsSpace) {
  auto usage = fs_->StatFs();
  ASSERT_TRUE(usage.ok());
  EXPECT_GT(usage->block_size, 0u);
  EXPECT_GT(usage->total_bytes, 0u);
  EXPECT_LE(usage->free_bytes, usage->total_bytes);
  if (GetParam() == "mem") {
    EXPECT_EQ(usage->total_bytes, 1ull << 40);  // no --capacity: 1 TiB, so df shows sane figures
    const std::uint64_t files = usage->files;
    CreateFile(kRoot, "f", kCaller);
    EXPECT_EQ(fs_->StatFs()->files, files + 1);
  } else {
    struct statvfs host {};
    ASSERT_EQ(statvfs(dir_.c_str(), &host), 0);
    EXPECT_EQ(usage->total_bytes, host.f_blocks * host.f_frsize);  // the backing filesystem's own figures
    EXPECT_EQ(usage->block_size, host.f_frsize);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PosixTest, ::testing::Values("mem", "passthrough"));

}  // namespace
}  // namespace diofs
