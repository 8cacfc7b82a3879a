#include "harness/qemu/qemu_guest_ram.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "harness/qemu/qtest_client.h"
#include "tests/harness/qemu/fake_qtest.h"

namespace dioh {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kPage = mrm::ram::kPageSize;

QemuGuestRam Guest(bool live, double dirty = 0.25) {
  mrm::ram::ContentSpec content;
  content.seed = 7;
  content.dirty_fraction = dirty;
  return *QemuGuestRam::For("pc.ram=16M,vga.vram=1M", content, live ? 3 : 1);
}

std::vector<std::uint8_t> Expected(const QemuGuestRam& guest, const std::string& idstr, std::uint64_t page,
                                   std::uint32_t pass) {
  std::vector<std::uint8_t> out(kPage);
  guest.ExpectedPage(idstr, page, pass, out.data());
  return out;
}

TEST(QemuGuestRamTest, PagesAreTheModelsButForQemus) {
  const QemuGuestRam live = Guest(true);
  EXPECT_EQ(live.KindOf("pc.ram", 0), QemuGuestRam::PageKind::kModel);
  EXPECT_EQ(live.KindOf("pc.ram", 0xa0), QemuGuestRam::PageKind::kOwnedByQemu);
  EXPECT_EQ(live.KindOf("pc.ram", 0xff), QemuGuestRam::PageKind::kOwnedByQemu);
  EXPECT_EQ(live.KindOf("pc.ram", 0xfff), QemuGuestRam::PageKind::kModel);  // the whole top of pc.ram is the model's
  EXPECT_EQ(live.KindOf("vga.vram", 0), QemuGuestRam::PageKind::kModel);
  // 16 MiB guest: a quarter of pc.ram, a power of two: 4 MiB, a block apart.
  EXPECT_EQ(live.KeepAliveText(), "keep-alive block 0000:00:02.0/vga.vram (4 MiB, secondary-vga)");
  EXPECT_TRUE(live.EngineOwnsBlock("0000:00:02.0/vga.vram"));
  EXPECT_FALSE(live.EngineOwnsBlock("0000:00:01.0/vga.vram"));  // the scenario's vga.vram, as QEMU names it
  EXPECT_TRUE(live.EngineOwnsBlock("pc.bios"));
  EXPECT_EQ(live.FileIdstr("vga.vram"), "0000:00:01.0/vga.vram");
  const QemuGuestRam paused = Guest(false);
  EXPECT_EQ(paused.KeepAliveText(), "");
  std::vector<std::uint8_t> model(kPage);
  mrm::ram::ContentSpec content;
  content.seed = 7;
  content.dirty_fraction = 0.25;
  mrm::ram::FillExpectedPage(content, "pc.ram", 0x100, 2, model.data());
  EXPECT_EQ(Expected(paused, "pc.ram", 0x100, 2), model);
}

// Pass commands applied to memory that holds pass 0 give exactly pass N.
TEST(QemuGuestRamTest, PassCommandsTakeRamFromOnePassToTheNext) {
  const QemuGuestRam guest = Guest(true);
  dioh_test::FakeGuestMemory memory;
  const auto apply = [&](const std::vector<std::string>& commands) {
    for (const std::string& c : commands) ASSERT_EQ(memory.Apply(c), "OK") << c.substr(0, 40);
  };
  // Pass 0 as the loader images would give it, through the same command path.
  std::vector<std::string> pass0;
  for (const Q35Layout::Range& range : guest.layout().Ranges()) {
    for (std::uint64_t off = 0; off < range.length; off += kPage) {
      const std::uint64_t page = (range.block_offset + off) / kPage;
      if (guest.ExpectedZero(range.idstr, page, 0)) continue;
      const auto bytes = Expected(guest, range.idstr, page, 0);
      for (std::string& c : QtestClient::WriteCommands(range.address + off, std::as_bytes(std::span(bytes)))) {
        pass0.push_back(std::move(c));
      }
    }
  }
  apply(pass0);
  apply(guest.PassCommands(1));
  apply(guest.PassCommands(2));
  std::size_t compared = 0;
  for (const Q35Layout::Range& range : guest.layout().Ranges()) {
    for (std::uint64_t off = 0; off < range.length; off += kPage) {
      const std::uint64_t page = (range.block_offset + off) / kPage;
      const auto want = Expected(guest, range.idstr, page, 2);
      for (std::uint64_t i = 0; i < kPage; i += 509) {
        ASSERT_EQ(memory.At(range.address + off + i), want[i]) << range.idstr << " page " << page << " byte " << i;
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, (16 * kMiB - 0x60000 + kMiB) / kPage);
}

TEST(QemuGuestRamTest, KeepAliveRewritesItsBlockWithItsOwnContent) {
  const QemuGuestRam guest = Guest(true);
  const auto commands = guest.KeepAliveCommands();
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_EQ(commands[0], "memset 0xe0000000 0x100000 0x1");
  EXPECT_EQ(commands[3], "memset 0xe0300000 0x100000 0x4");
  EXPECT_TRUE(Guest(false).KeepAliveCommands().empty());
}

// vram is mapped only once its BAR is programmed: the loader cannot reach
// it, the setup commands map it and then write its pass 0.
TEST(QemuGuestRamTest, SetupMapsVramThenWritesItsPassZero) {
  const QemuGuestRam guest = Guest(false);
  const auto commands = guest.SetupCommands();
  ASSERT_GT(commands.size(), 4u);
  EXPECT_EQ(commands[0], "outl 0xcf8 0x80000810");
  EXPECT_EQ(commands[3], "outw 0xcfc 0x3");
  dioh_test::FakeGuestMemory memory;
  for (std::size_t i = 4; i < commands.size(); ++i) ASSERT_EQ(memory.Apply(commands[i]), "OK");
  for (std::uint64_t page = 0; page < kMiB / kPage; page += 7) {
    const auto want = Expected(guest, "vga.vram", page, 0);
    for (std::uint64_t i = 0; i < kPage; i += 511) {
      ASSERT_EQ(memory.At(Q35Layout::kVramAddress + page * kPage + i), want[i]) << "vram page " << page;
    }
  }
}

TEST(QemuGuestRamTest, LoaderImagesHoldPassZeroWithZeroPagesAsHoles) {
  const QemuGuestRam guest = Guest(false);
  const auto dir = std::filesystem::temp_directory_path() / ("qemu-ram-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto args = guest.WriteLoaderImages(dir.string());
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  ASSERT_EQ(args->size(), 4u);  // two ranges: below the hole, above it; not vram (SetupCommands)
  EXPECT_EQ((*args)[3], "loader,file=" + (dir / "ram-1.img").string() + ",addr=0x100000,force-raw=on");
  const int fd = open((dir / "ram-1.img").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  struct stat st {};
  fstat(fd, &st);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), 15 * kMiB);
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 12 * kMiB);  // about half the pages are holes
  std::vector<std::uint8_t> page(kPage);
  ASSERT_EQ(pread(fd, page.data(), kPage, 5 * kPage), static_cast<ssize_t>(kPage));
  EXPECT_EQ(page, Expected(guest, "pc.ram", 0x100 + 5, 0));
  close(fd);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dioh
