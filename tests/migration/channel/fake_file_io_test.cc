#include "tests/migration/channel/fake_file_io.h"

#include <fcntl.h>
#include <pthread.h>

#include <thread>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

namespace mrm::channel {
namespace {

struct AlignedBuffer {
  explicit AlignedBuffer(size_t n) : data(static_cast<uint8_t*>(std::aligned_alloc(4096, n)), std::free) {}
  std::unique_ptr<uint8_t, decltype(&std::free)> data;
};

TEST(FakeFileSystem, RejectsMisalignedDirectTransfersLikeA4KnDevice) {
  FakeFileSystem fs;
  ASSERT_TRUE(fs.Open("/f", O_CREAT | O_WRONLY).ok());
  auto file = fs.Open("/f", O_WRONLY | O_DIRECT);
  ASSERT_TRUE(file.ok());
  AlignedBuffer buf(8192);
  EXPECT_TRUE((*file)->PWrite(buf.data.get(), 4096, 4096).ok());
  EXPECT_EQ((*file)->PWrite(buf.data.get(), 4096, 512).status().code(), EINVAL);       // offset
  EXPECT_EQ((*file)->PWrite(buf.data.get(), 512, 0).status().code(), EINVAL);          // length
  EXPECT_EQ((*file)->PWrite(buf.data.get() + 8, 4096, 0).status().code(), EINVAL);     // buffer
  auto ops = fs.Ops();
  ASSERT_EQ(ops.size(), 7u);  // open, close, open O_DIRECT, 4 writes
  EXPECT_EQ(ops[1].kind, FakeOp::kClose);
  EXPECT_EQ(ops[3].kind, FakeOp::kWrite);
  EXPECT_TRUE(ops[3].direct());
  EXPECT_EQ(ops[3].error, 0);
  EXPECT_EQ(ops[6].error, EINVAL);
  EXPECT_FALSE(ops[6].buffers_aligned);
}

TEST(FakeFileSystem, BufferedTransfersAnywhereAndFaults) {
  FakeOptions options;
  options.short_write_limit = 3;
  FakeFileSystem fs(options);
  EXPECT_EQ(fs.Open("/missing", O_WRONLY).status().code(), ENOENT);
  auto file = fs.Open("/f", O_CREAT | O_WRONLY);
  ASSERT_TRUE(file.ok());
  auto n = (*file)->PWrite("hello", 5, 10);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);  // short write
  EXPECT_EQ(fs.Contents("/f").size(), 13u);
  fs.options().direct_supported = false;
  EXPECT_EQ(fs.Open("/f", O_WRONLY | O_DIRECT).status().code(), EINVAL);
  fs.options().write_errno = ENOSPC;
  EXPECT_EQ((*file)->PWrite("x", 1, 0).status().code(), ENOSPC);
}

TEST(FakeFileSystem, WriteErrnosByRangeAndByODirect) {
  FakeFileSystem fs;
  auto file = fs.Open("/f", O_CREAT | O_WRONLY);
  ASSERT_TRUE(file.ok());
  fs.options().write_errno = ENOSPC;
  fs.options().write_errno_begin = 100;
  fs.options().write_errno_end = 200;
  EXPECT_TRUE((*file)->PWrite("ab", 2, 98).ok());                        // ends at 100
  EXPECT_EQ((*file)->PWrite("ab", 2, 99).status().code(), ENOSPC);       // overlaps 100
  EXPECT_TRUE((*file)->PWrite("ab", 2, 200).ok());
  fs.options().write_errno = 0;
  fs.options().direct_write_errno = EIO;
  EXPECT_TRUE((*file)->PWrite("ab", 2, 150).ok());  // buffered
  AlignedBuffer buf(4096);
  auto direct = fs.Open("/f", O_WRONLY | O_DIRECT);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ((*direct)->PWrite(buf.data.get(), 4096, 0).status().code(), EIO);
}

TEST(FakeFileSystem, RecordsTheCallingThreadsName) {
  FakeFileSystem fs;
  std::thread named([&] {
    ::pthread_setname_np(::pthread_self(), "opener");
    ASSERT_TRUE(fs.Open("/f", O_CREAT | O_WRONLY).ok());
  });
  named.join();
  ASSERT_EQ(fs.Ops().size(), 2u);  // open, close
  EXPECT_EQ(fs.Ops()[0].thread, "opener");
  EXPECT_EQ(fs.Ops()[1].thread, "opener");
}

}  // namespace
}  // namespace mrm::channel
