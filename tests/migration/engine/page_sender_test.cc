#include "migration/engine/page_sender.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "tests/migration/channel/fake_file_io.h"

namespace mrm::engine {
namespace {

struct Fixture {
  channel::FakeFileSystem fs;
  std::unique_ptr<channel::File> file;
  ram::HostRam ram = ram::HostRam::Allocate({{"pc.ram", 64 * 4096}}).value();
  std::vector<RamBitmap> bitmaps;
  SendCounters counters;
  SendContext ctx;
  Fixture() {
    file = fs.Open("/f", O_CREAT | O_WRONLY).value();
    bitmaps.emplace_back(64);
    ctx.ram = &ram;
    ctx.pages_offsets = {1 << 20};
    ctx.bitmaps = &bitmaps;
    ctx.files = {file.get()};
    ctx.counters = &counters;
  }
  void Data(uint64_t page) { std::memset(ram.blocks()[0].page(page), static_cast<int>(page + 1), 4096); }
  std::vector<channel::FakeOp> Writes() {
    std::vector<channel::FakeOp> w;
    for (const auto& op : fs.Ops()) {
      if (op.kind == channel::FakeOp::kWrite) w.push_back(op);
    }
    return w;
  }
};

TEST(PageSender, OnePwritevPerRunOfContiguousDataPages) {
  Fixture f;
  for (uint64_t p : {0, 1, 2, 5, 6, 9}) f.Data(p);
  f.bitmaps[0].Set(3);  // stale bit of a page that is zero now
  ASSERT_TRUE(SendBatch(f.ctx, {0, {0, 1, 2, 3, 4, 5, 6, 9}}, 0).ok());
  auto w = f.Writes();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].offset, (1u << 20));
  EXPECT_EQ(w[0].length, 3u * 4096);
  EXPECT_EQ(w[0].iovcnt, 3);
  EXPECT_EQ(w[1].offset, (1u << 20) + 5 * 4096);
  EXPECT_EQ(w[2].length, 4096u);
  EXPECT_TRUE(f.bitmaps[0].Test(0));
  EXPECT_FALSE(f.bitmaps[0].Test(3));  // data -> zero clears the bit
  EXPECT_EQ(f.counters.normal_pages.load(), 6u);
  EXPECT_EQ(f.counters.zero_pages.load(), 2u);
}

TEST(PageSender, WithoutDetectionEveryPageIsData) {
  Fixture f;
  f.ctx.detect_zero = false;
  f.ctx.max_pages_per_write = 1;
  ASSERT_TRUE(SendBatch(f.ctx, {0, {7, 8}}, 0).ok());
  EXPECT_EQ(f.Writes().size(), 2u);
  EXPECT_TRUE(f.bitmaps[0].Test(7));
}

// With a write turn, a channel classifies its batch first (counters and
// bitmap), then waits for the turn before its first pwritev.
TEST(PageSender, ChannelScansWithoutTheTurnAndWritesOnlyWithIt) {
  Fixture f;
  for (uint64_t p : {0, 1, 4}) f.Data(p);
  std::mutex turn;
  f.ctx.write_turn = &turn;
  std::unique_lock held(turn);  // another channel is writing
  dioh::Status sent = dioh::Status::Error(EINPROGRESS, "not sent");
  std::thread channel([&] { sent = SendBatch(f.ctx, {0, {0, 1, 2, 3, 4}}, 0); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.counters.normal_pages.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(f.counters.normal_pages.load(), 3u);
  EXPECT_EQ(f.counters.zero_pages.load(), 2u);
  EXPECT_TRUE(f.bitmaps[0].Test(4));
  EXPECT_TRUE(f.Writes().empty());  // the turn is not ours yet
  held.unlock();
  channel.join();
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  auto w = f.Writes();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].length, 2u * 4096);
  EXPECT_EQ(w[1].offset, (1u << 20) + 4 * 4096);
}

TEST(PageSender, ZeroPageDetectionLooksAtEveryByte) {
  Fixture f;
  uint8_t* page = f.ram.blocks()[0].page(10);
  EXPECT_TRUE(IsZeroPage(page));
  for (size_t byte : {size_t{0}, size_t{63}, size_t{64}, size_t{2049}, size_t{4095}}) {
    page[byte] = 1;
    EXPECT_FALSE(IsZeroPage(page)) << "byte " << byte;
    page[byte] = 0;
  }
  EXPECT_TRUE(IsZeroPage(page));
}

TEST(PageSender, BitmapSerializesLittleEndianLongs) {
  RamBitmap b(70);
  b.Set(0);
  b.Set(9);
  b.Set(69);
  std::vector<uint8_t> bytes = b.Serialize();
  ASSERT_EQ(bytes.size(), 16u);
  EXPECT_EQ(bytes[0], 0x01);
  EXPECT_EQ(bytes[1], 0x02);
  EXPECT_EQ(bytes[8], 0x20);
  EXPECT_TRUE(SerializedBitSet(bytes, 69));
}

}  // namespace
}  // namespace mrm::engine
