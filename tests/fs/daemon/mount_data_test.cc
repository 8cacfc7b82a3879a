// Data through a real mount: byte-exact on both backends, holes, memory cost
// of sparse files, and many threads against one file.
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "tests/fs/daemon/mount_test_util.h"

namespace {

using diofs_test::AlignedBuffer;

class BackendDataTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> Args() {
    if (GetParam() == "mem") return {"--backend", "mem"};
    backing_ = std::filesystem::temp_directory_path() / ("diofs-backing-" + std::to_string(getpid()));
    std::filesystem::create_directories(backing_);
    return {"--backend", "passthrough:" + backing_.string()};
  }
  void TearDown() override {
    if (!backing_.empty()) std::filesystem::remove_all(backing_);
  }
  std::filesystem::path backing_;
};

TEST_P(BackendDataTest, ReadsBackByteExactWithHolesAsZeros) {
  DIOFS_MOUNT_OR_SKIP(mount, Args());
  const std::string path = mount->Path("data");
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  std::mt19937 rng(7);
  AlignedBuffer a(65536), b(8192);
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<unsigned char>(rng());
  for (std::size_t i = 0; i < b.size(); ++i) b.data()[i] = static_cast<unsigned char>(rng());
  ASSERT_EQ(pwrite(fd, a.data(), a.size(), 0), static_cast<ssize_t>(a.size()));
  ASSERT_EQ(pwrite(fd, b.data(), b.size(), 1 << 20), static_cast<ssize_t>(b.size()));  // a hole before it

  AlignedBuffer back((1 << 20) + 8192, 0xFF);
  ASSERT_EQ(pread(fd, back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
  EXPECT_EQ(std::memcmp(back.data(), a.data(), a.size()), 0);
  for (std::size_t i = a.size(); i < (1u << 20); ++i) ASSERT_EQ(back.data()[i], 0) << "hole byte " << i;
  EXPECT_EQ(std::memcmp(back.data() + (1 << 20), b.data(), b.size()), 0);

  // Punch a hole in the written data: it reads as zeros, the size stays.
  ASSERT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 8192), 0);
  close(fd);
  const int buffered = open(path.c_str(), O_RDONLY);
  ASSERT_GE(buffered, 0);
  std::vector<unsigned char> again(16384);
  ASSERT_EQ(pread(buffered, again.data(), again.size(), 0), 16384);
  for (std::size_t i = 0; i < again.size(); ++i) {
    const bool punched = i >= 4096 && i < 4096 + 8192;
    ASSERT_EQ(again[i], punched ? 0 : a.data()[i]) << i;
  }
  struct stat st {};
  ASSERT_EQ(fstat(buffered, &st), 0);
  EXPECT_EQ(st.st_size, (1 << 20) + 8192);
  close(buffered);
  if (!backing_.empty()) {
    EXPECT_EQ(std::filesystem::file_size(backing_ / "data"), (1u << 20) + 8192);
  }
}

// fstat() of an open, unlinked file answers as on ext4 (it returned ENOENT:
// the kernel asks by inode, and the inode had lost its path).
TEST_P(BackendDataTest, UnlinkedOpenFileStillAnswersFstat) {
  DIOFS_MOUNT_OR_SKIP(mount, Args());
  const std::string path = mount->Path("scratch");
  const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "12345", 5), 5);
  ASSERT_EQ(unlink(path.c_str()), 0);
  struct stat st {};
  EXPECT_EQ(fstat(fd, &st), 0) << std::strerror(errno);
  EXPECT_EQ(st.st_size, 5);
  EXPECT_EQ(st.st_nlink, 0u);
  EXPECT_EQ(write(fd, "678", 3), 3);
  char back[8] = {};
  EXPECT_EQ(pread(fd, back, sizeof back, 0), 8);
  EXPECT_EQ(std::string(back, 8), "12345678");
  close(fd);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendDataTest, ::testing::Values("mem", "passthrough"));

std::uint64_t RssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  std::uint64_t value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

TEST(MountDataTest, SparseSixtyFourGiBFileCostsLittleMemory) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--backend", "mem"});
  const int fd = open(mount->Path("big").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  ASSERT_GE(fd, 0);
  AlignedBuffer page(4096, 0xC3);
  // Warm the daemon up (worker threads and their buffers) before the baseline.
  for (int i = 0; i < 64; ++i) ASSERT_EQ(pwrite(fd, page.data(), 4096, 0), 4096);
  const std::uint64_t before = RssKiB(mount->daemon_pid());
  ASSERT_EQ(ftruncate(fd, 64ll << 30), 0);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 256; ++i) {  // 1 MiB in 4 KiB pages spread over 64 GiB
    const off_t offset = static_cast<off_t>((rng() % ((64ull << 30) / 4096)) * 4096);
    ASSERT_EQ(pwrite(fd, page.data(), 4096, offset), 4096);
  }
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 64ll << 30);
  close(fd);
  const std::uint64_t after = RssKiB(mount->daemon_pid());
  ASSERT_GT(before, 0u);
  const std::int64_t grown_kib = static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
  RecordProperty("rss_growth_kib", std::to_string(grown_kib));
  EXPECT_LT(grown_kib, 16 * 1024) << "diofs grew by " << grown_kib << " KiB for 1 MiB written";
}

// Memory goes back through the whole daemon: after `rm` of a 64 MiB file
// (unlink, release, the page pool's Release, malloc_trim) diofs is within
// a tenth of the file of what it was before. With pages from malloc and no
// trim, 87-100 % of a deleted file stayed resident.
TEST(MountDataTest, ADeletedFilesMemoryGoesBackToTheSystem) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitized diofs keeps shadow memory for the pages it wrote";
#endif
  DIOFS_MOUNT_OR_SKIP(mount, {"--backend", "mem", "--max-threads", "2"});
  constexpr std::size_t kWrite = 1 << 20;
  constexpr std::size_t kFile = 64u << 20;
  AlignedBuffer block(kWrite, 0x5A);
  const auto write_file = [&](const std::string& name, std::size_t bytes) {
    const int fd = open(mount->Path(name).c_str(), O_CREAT | O_WRONLY | O_DIRECT, 0644);
    ASSERT_GE(fd, 0) << name;
    for (std::size_t at = 0; at < bytes; at += kWrite) {
      ASSERT_EQ(pwrite(fd, block.data(), kWrite, static_cast<off_t>(at)), static_cast<ssize_t>(kWrite));
    }
    close(fd);
  };
  // Warm up: the FUSE workers' 1 MiB request buffers (libfuse's, kept for
  // each worker's life) are touched by the first 1 MiB writes.
  {
    std::thread other([&] { write_file("warm-a", 8 * kWrite); });
    write_file("warm-b", 8 * kWrite);
    other.join();
  }
  ASSERT_EQ(unlink(mount->Path("warm-a").c_str()), 0);
  ASSERT_EQ(unlink(mount->Path("warm-b").c_str()), 0);
  const std::uint64_t before_kib = RssKiB(mount->daemon_pid());
  ASSERT_GT(before_kib, 0u);
  write_file("big", kFile);
  EXPECT_GE(RssKiB(mount->daemon_pid()), before_kib + kFile / 1024 * 9 / 10);
  ASSERT_EQ(unlink(mount->Path("big").c_str()), 0);
  // The file's last reference may go a moment after unlink returns (the
  // kernel's release and forget): a condition with a deadline.
  const std::uint64_t bound_kib = before_kib + kFile / 1024 / 10;
  std::uint64_t after_kib = RssKiB(mount->daemon_pid());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (after_kib >= bound_kib && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
    after_kib = RssKiB(mount->daemon_pid());
  }
  RecordProperty("rss_before_kib", std::to_string(before_kib));
  RecordProperty("rss_after_kib", std::to_string(after_kib));
  EXPECT_LT(after_kib, bound_kib) << "diofs had " << before_kib << " KiB before a 64 MiB file and " << after_kib
                                  << " KiB 10 s after its rm";
}

TEST(MountDataTest, EightThreadsOfRandomDirectWritesMatchAModelAndTheStats) {
  DIOFS_MOUNT_OR_SKIP(mount, {"--profile", "strict-4k"});
  const std::string path = mount->Path("shared");
  constexpr int kThreads = 8, kWrites = 2000;
  constexpr std::uint64_t kRegion = 1 << 20;  // each thread owns one region, so the model is exact
  {
    const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, kThreads * kRegion), 0);
    close(fd);
  }
  std::vector<std::vector<unsigned char>> model(kThreads, std::vector<unsigned char>(kRegion, 0));
  std::vector<int> accepted(kThreads), rejected(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int fd = open(path.c_str(), O_RDWR | O_DIRECT);
      if (fd < 0) return;
      std::mt19937 rng(static_cast<unsigned>(t));
      AlignedBuffer buffer(65536 + 512);
      for (int i = 0; i < kWrites; ++i) {
        const bool aligned = rng() % 2 == 0;
        std::uint64_t length = (1 + rng() % 16) * 4096;
        std::uint64_t offset = (rng() % ((kRegion - length) / 4096)) * 4096;
        if (!aligned) (rng() % 2 == 0 ? offset : length) += 512;
        const auto fill = static_cast<unsigned char>(rng());
        std::memset(buffer.data(), fill, length);
        const ssize_t n = pwrite(fd, buffer.data(), length, static_cast<off_t>(t * kRegion + offset));
        if (n == static_cast<ssize_t>(length)) {
          ++accepted[t];
          std::memset(model[t].data() + offset, fill, length);
        } else if (n == -1 && errno == EINVAL) {
          ++rejected[t];
        }
      }
      close(fd);
    });
  }
  for (auto& th : threads) th.join();
  int total_accepted = 0, total_rejected = 0;
  for (int t = 0; t < kThreads; ++t) {
    total_accepted += accepted[t];
    total_rejected += rejected[t];
  }
  ASSERT_EQ(total_accepted + total_rejected, kThreads * kWrites) << "every write either lands or is rejected";
  EXPECT_GT(total_rejected, 0);

  const int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  std::vector<unsigned char> region(kRegion);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(pread(fd, region.data(), kRegion, static_cast<off_t>(t * kRegion)), static_cast<ssize_t>(kRegion));
    EXPECT_TRUE(region == model[t]) << "region of thread " << t << " differs from the model";
  }
  close(fd);
  const auto stats = diofs_test::Stats(*mount);
  EXPECT_EQ(stats["direct_writes"], kThreads * kWrites);
  EXPECT_EQ(stats["failed"]["write"], total_rejected);
  EXPECT_EQ(stats["violations"]["rejected"]["offset_align"].get<int>() +
                stats["violations"]["rejected"]["length_align"].get<int>(),
            total_rejected);
}

// --direct-io-all takes buffered opens off the page cache: a shared mmap of
// such a file then fails with ENODEV (the kernel maps an FOPEN_DIRECT_IO file
// shared only with FUSE_DIRECT_IO_ALLOW_MMAP, which libfuse 3.14 cannot ask
// for), as diofs(1) says; by default it works. A private mapping works both ways.
TEST(MountDataTest, SharedMmapWorksUnlessDirectIoAll) {
  for (const bool all : {false, true}) {
    std::vector<std::string> args = {"--profile", "strict-4k"};
    if (all) args.push_back("--direct-io-all");
    DIOFS_MOUNT_OR_SKIP(mount, args);
    const int fd = open(mount->Path("mapped").c_str(), O_CREAT | O_RDWR, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, 4096), 0);
    void* shared = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (all) {
      EXPECT_EQ(shared, MAP_FAILED);
      EXPECT_EQ(errno, ENODEV);
    } else {
      ASSERT_NE(shared, MAP_FAILED) << std::strerror(errno);
      std::memcpy(shared, "hello", 5);
      EXPECT_EQ(munmap(shared, 4096), 0);
      char back[5] = {};
      EXPECT_EQ(pread(fd, back, 5, 0), 5);
      EXPECT_EQ(std::string(back, 5), "hello");
    }
    void* priv = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    EXPECT_NE(priv, MAP_FAILED) << std::strerror(errno);
    if (priv != MAP_FAILED) munmap(priv, 4096);
    close(fd);
  }
}

}  // namespace
