#include "migration/channel/main_channel.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/migration/channel/fake_file_io.h"

namespace mrm::channel {
namespace {

TEST(MainChannelWriter, KeepsPrefixBeforeOffsetAndBuffers) {
  FakeOptions options;
  options.short_write_limit = 1000;  // short writes are retried until done
  FakeFileSystem fs(options);
  fs.PutFile("/f", std::vector<uint8_t>(8192, 0xaa));
  auto file = fs.Open("/f", O_CREAT | O_WRONLY);
  ASSERT_TRUE(file.ok());
  auto w = MainChannelWriter::Start(std::move(*file), 4096);
  ASSERT_TRUE(w.ok());
  std::vector<uint8_t> bytes(5000, 0x11);
  (*w)->Put(bytes);
  EXPECT_EQ((*w)->position(), 4096u + 5000u);
  ASSERT_TRUE((*w)->PutAt(std::vector<uint8_t>{1, 2, 3}, 20000).ok());
  ASSERT_TRUE((*w)->SetOffset(30000).ok());
  (*w)->Put(std::vector<uint8_t>{9});
  ASSERT_TRUE((*w)->Flush().ok());
  std::vector<uint8_t> c = fs.Contents("/f");
  ASSERT_EQ(c.size(), 30001u);
  EXPECT_EQ(c[4095], 0xaa);  // prefix kept: ftruncate(offset), never O_TRUNC
  EXPECT_EQ(c[4096], 0x11);
  EXPECT_EQ(c[20000], 1);
  EXPECT_EQ(c[30000], 9);
  auto ops = fs.Ops();
  EXPECT_EQ(ops[1].kind, FakeOp::kTruncate);
  EXPECT_EQ(ops[1].length, 4096u);
}

TEST(MainChannelWriter, FailedTruncateIsAnError) {
  FakeOptions options;
  options.truncate_errno = EIO;
  FakeFileSystem fs(options);
  auto file = fs.Open("/f", O_CREAT | O_WRONLY);
  ASSERT_TRUE(file.ok());
  auto w = MainChannelWriter::Start(std::move(*file), 0);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), EIO);
}

TEST(PosixFileSystem, RoundTripThroughTheSeam) {
  std::string path = (std::filesystem::temp_directory_path() / ("mrm-posix-" + std::to_string(getpid()))).string();
  {
    auto file = PosixFileSystem().Open(path, O_CREAT | O_WRONLY);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto w = MainChannelWriter::Start(std::move(*file), 0);
    ASSERT_TRUE(w.ok());
    (*w)->Put(std::vector<uint8_t>{'a', 'b', 'c'});
    ASSERT_TRUE((*w)->Flush().ok());
  }
  auto in = PosixFileSystem().Open(path, O_RDONLY);
  ASSERT_TRUE(in.ok());
  auto source = FileByteSource::Open(std::move(*in));
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->size(), 3u);
  std::vector<uint8_t> out(3);
  ASSERT_TRUE((*source)->ReadAt(0, out).ok());
  EXPECT_EQ(out[2], 'c');
  EXPECT_FALSE((*source)->ReadAt(2, out).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mrm::channel
