#include "fs/daemon/open_reply.h"

#include <gtest/gtest.h>

namespace diofs::fuse_ops {
namespace {

TEST(OpenReplyTest, DirectOpensAskForParallelDirectWritesUnlessSerial) {
  const OpenReplyPolicy parallel{/*parallel_direct_writes=*/true, /*direct_io_all=*/false};
  const OpenReplyPolicy serial{false, false};
  EXPECT_EQ(KernelOpenFlags(/*o_direct=*/true, parallel),
            static_cast<std::uint32_t>(FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES));
  EXPECT_EQ(KernelOpenFlags(true, serial), static_cast<std::uint32_t>(FOPEN_DIRECT_IO));
  // A buffered open goes through the page cache: the kernel would ignore the bit there.
  EXPECT_EQ(KernelOpenFlags(false, parallel), 0u);
  EXPECT_EQ(KernelOpenFlags(false, serial), 0u);
  EXPECT_EQ(FOPEN_PARALLEL_DIRECT_WRITES, 1 << 6) << "the kernel's value (Linux 6.2)";
}

TEST(OpenReplyTest, DirectIoAllTakesBufferedOpensOffThePageCache) {
  const OpenReplyPolicy all{/*parallel_direct_writes=*/true, /*direct_io_all=*/true};
  EXPECT_EQ(KernelOpenFlags(/*o_direct=*/false, all),
            static_cast<std::uint32_t>(FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES));
  EXPECT_EQ(KernelOpenFlags(false, OpenReplyPolicy{false, true}), static_cast<std::uint32_t>(FOPEN_DIRECT_IO));
}

TEST(OpenReplyTest, OpenOutCarriesTheHandleAndFlags) {
  const fuse_open_out out = MakeOpenOut(0x1234567890, FOPEN_DIRECT_IO);
  EXPECT_EQ(out.fh, 0x1234567890u);
  EXPECT_EQ(out.open_flags, static_cast<std::uint32_t>(FOPEN_DIRECT_IO));
  EXPECT_EQ(out.padding, 0u);
}

TEST(OpenReplyTest, EntryOutIsFilledAsLibfuseFillsIt) {
  fuse_entry_param e{};
  e.ino = 42;
  e.generation = 7;
  e.entry_timeout = 1.5;
  e.attr_timeout = 2.0;
  e.attr.st_ino = 42;
  e.attr.st_mode = S_IFREG | 0640;
  e.attr.st_nlink = 1;
  e.attr.st_uid = 1000;
  e.attr.st_gid = 100;
  e.attr.st_size = 1 << 20;
  e.attr.st_blocks = 2048;
  e.attr.st_blksize = 4096;
  e.attr.st_atim = {10, 11};
  e.attr.st_mtim = {20, 21};
  e.attr.st_ctim = {30, 31};
  const fuse_entry_out out = MakeEntryOut(e);
  EXPECT_EQ(out.nodeid, 42u);
  EXPECT_EQ(out.generation, 7u);
  EXPECT_EQ(out.entry_valid, 1u);
  EXPECT_EQ(out.entry_valid_nsec, 500000000u);
  EXPECT_EQ(out.attr_valid, 2u);
  EXPECT_EQ(out.attr_valid_nsec, 0u);
  EXPECT_EQ(out.attr.ino, 42u);
  EXPECT_EQ(out.attr.mode, static_cast<std::uint32_t>(S_IFREG | 0640));
  EXPECT_EQ(out.attr.nlink, 1u);
  EXPECT_EQ(out.attr.uid, 1000u);
  EXPECT_EQ(out.attr.gid, 100u);
  EXPECT_EQ(out.attr.size, 1u << 20);
  EXPECT_EQ(out.attr.blocks, 2048u);
  EXPECT_EQ(out.attr.blksize, 4096u);
  EXPECT_EQ(out.attr.atime, 10u);
  EXPECT_EQ(out.attr.atimensec, 11u);
  EXPECT_EQ(out.attr.mtime, 20u);
  EXPECT_EQ(out.attr.mtimensec, 21u);
  EXPECT_EQ(out.attr.ctime, 30u);
  EXPECT_EQ(out.attr.ctimensec, 31u);
}

TEST(OpenReplyTest, TimeoutsOutOfRangeAreClamped) {
  fuse_entry_param e{};
  e.entry_timeout = -3.0;
  e.attr_timeout = 1e30;
  const fuse_entry_out out = MakeEntryOut(e);
  EXPECT_EQ(out.entry_valid, 0u);
  EXPECT_EQ(out.entry_valid_nsec, 0u);
  EXPECT_EQ(out.attr_valid, UINT64_MAX);
  EXPECT_LE(out.attr_valid_nsec, 999999999u);
}

TEST(OpenReplyTest, CreateOutIsTheEntryThenTheOpen) {
  fuse_entry_param e{};
  e.ino = 9;
  const CreateOut out = MakeCreateOut(e, 77, FOPEN_DIRECT_IO);
  EXPECT_EQ(out.entry.nodeid, 9u);
  EXPECT_EQ(out.open.fh, 77u);
  EXPECT_EQ(reinterpret_cast<const char*>(&out.open) - reinterpret_cast<const char*>(&out),
            static_cast<std::ptrdiff_t>(sizeof(fuse_entry_out)));
}

}  // namespace
}  // namespace diofs::fuse_ops
