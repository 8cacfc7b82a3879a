// The op log of a real mount (diofs --log): lossless under load, replayable
// to a marker, readable after a kill -9, and matching what was issued.
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/falloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <xxhash.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "fs/oplog/log_reader.h"
#include "fs/oplog/replay.h"
#include "tests/fs/daemon/mount_test_util.h"

namespace {

using diofs::OpKind;
using diofs_test::AlignedBuffer;

// A folder for the log, outside the mount; removed at the end.
class LogDir {
 public:
  LogDir() : path_(std::filesystem::temp_directory_path() / ("diofs-log-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~LogDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void ExpectGapFree(const diofs::oplog::LogContents& log) {
  for (std::size_t i = 0; i < log.records.size(); ++i) {
    ASSERT_EQ(log.records[i].seq, i + 1) << "sequence numbers must have no gap";
  }
}

TEST(MountLogTest, SixteenThreadsOfMixedOperationsAreAllRecorded) {
  LogDir dir;
  const std::string log_path = dir.File("ops.log");
  constexpr int kThreads = 16, kOps = 10000;
  std::map<std::uint32_t, int> issued;  // data operations by thread id
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--log", log_path});
    std::vector<std::thread> threads;
    std::mutex mutex;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const auto tid = static_cast<std::uint32_t>(syscall(SYS_gettid));
        const int fd = open(mount->Path("t" + std::to_string(t)).c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
        if (fd < 0) return;
        AlignedBuffer buffer(8192, static_cast<unsigned char>(t));
        int done = 0;
        for (int i = 0; i < kOps; ++i) {
          switch (i % 4) {  // aligned and misaligned writes, reads: every one reaches diofs
            case 0: (void)pwrite(fd, buffer.data(), 4096, (i % 64) * 4096); break;
            case 1: (void)pread(fd, buffer.data(), 4096, (i % 64) * 4096); break;
            case 2: (void)pwrite(fd, buffer.data(), 512, 100); break;
            case 3: (void)pread(fd, buffer.data(), 8192, 0); break;
          }
          ++done;
        }
        close(fd);
        std::lock_guard lock(mutex);
        issued[tid] = done;
      });
    }
    for (auto& th : threads) th.join();
    auto exit_status = mount->Unmount();
    ASSERT_TRUE(exit_status.ok()) << exit_status.status().ToString();
    ASSERT_EQ(*exit_status, 0) << mount->DaemonStderr();
  }
  ASSERT_EQ(issued.size(), static_cast<std::size_t>(kThreads));
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(log->complete()) << log->damage.ToString();
  ExpectGapFree(*log);
  std::map<std::uint32_t, int> recorded;
  std::size_t data_records = 0;
  for (const auto& r : log->records) {
    if (r.kind != OpKind::kRead && r.kind != OpKind::kWrite) continue;
    ++data_records;
    ++recorded[r.tid];
  }
  EXPECT_EQ(data_records, static_cast<std::size_t>(kThreads * kOps));
  EXPECT_EQ(recorded, issued) << "each thread's data operations, by its thread id";
}

TEST(MountLogTest, ReplayToEachMarkEqualsTheFileThen) {
  LogDir dir;
  const std::string log_path = dir.File("replay.log");
  std::vector<std::vector<unsigned char>> snapshots;
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--log", log_path, "--log-data"});
    const std::string file = mount->Path("image");
    const auto mark = [&](const std::string& text) {
      std::ofstream(mount->Path(".diofs/mark")) << text << std::flush;
      std::vector<unsigned char> content(64 * 1024 + 4096);
      const int fd = open(file.c_str(), O_RDONLY | O_DIRECT);
      AlignedBuffer buffer(content.size());
      const ssize_t n = pread(fd, buffer.data(), content.size(), 0);
      close(fd);
      content.assign(buffer.data(), buffer.data() + std::max<ssize_t>(n, 0));
      snapshots.push_back(content);
    };
    const int fd = open(file.c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    ASSERT_GE(fd, 0);
    AlignedBuffer a(65536, 0xAA), b(8192, 0xBB);
    ASSERT_EQ(pwrite(fd, a.data(), a.size(), 0), 65536);
    mark("one");
    ASSERT_EQ(pwrite(fd, b.data(), b.size(), 4096), 8192);
    mark("two");
    ASSERT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 32768, 16384), 0);
    mark("three");
    close(fd);
  }
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const char* marks[] = {"one", "two", "three"};
  ASSERT_EQ(snapshots.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto replayed = diofs::oplog::ReplayFile(log->records, "/image", marks[i]);
    ASSERT_TRUE(replayed.ok()) << marks[i] << ": " << replayed.status().ToString();
    const auto* bytes = reinterpret_cast<const unsigned char*>(replayed->data());
    EXPECT_TRUE(std::vector<unsigned char>(bytes, bytes + replayed->size()) == snapshots[i])
        << "replay to mark '" << marks[i] << "' differs from the file at that moment";
  }
}

TEST(MountLogTest, KillNineLeavesAReadableLogWithoutTrailer) {
  LogDir dir;
  const std::string log_path = dir.File("killed.log");
  bool flushed = false;
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--log", log_path});
    std::atomic<int> written{0};
    std::thread writer([&] {
      const int fd = open(mount->Path("stream").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
      AlignedBuffer buffer(4096, 1);
      for (int i = 0; i < 1000000; ++i) {
        if (pwrite(fd, buffer.data(), 4096, (i % 256) * 4096) != 4096) break;  // the daemon died
        written.fetch_add(1);
      }
      close(fd);
    });
    // Kill once the stream is well under way and the flusher has put records
    // in the file (it writes every 50 ms): a condition with a deadline, not a sleep.
    const auto log_holds_records = [&] {
      std::error_code ec;
      return std::filesystem::file_size(log_path, ec) > 4096 && !ec;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((written.load() < 2000 || !log_holds_records()) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    flushed = log_holds_records();
    const int killed = kill(mount->daemon_pid(), SIGKILL);
    writer.join();
    (void)mount->Unmount();
    ASSERT_EQ(killed, 0);
  }
  ASSERT_TRUE(flushed) << "the flusher wrote nothing within 20 s";
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_FALSE(log->trailer.has_value()) << "a killed diofs writes no trailer";
  EXPECT_GT(log->records.size(), 0u);
  ExpectGapFree(*log);  // every complete record, whatever was torn at the end
}

TEST(MountLogTest, DumpedJsonMatchesWhatWasIssued) {
  LogDir dir;
  const std::string log_path = dir.File("dump.log");
  struct Issued {
    std::uint64_t offset, length;
    bool direct;
    std::int64_t result;
    std::uint64_t hash;
  };
  std::vector<Issued> issued;
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--log", log_path});
    const int direct = open(mount->Path("f").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    const int buffered = open(mount->Path("f").c_str(), O_RDWR);
    ASSERT_GE(direct, 0);
    AlignedBuffer buffer(8192);
    for (std::size_t i = 0; i < buffer.size(); ++i) buffer.data()[i] = static_cast<unsigned char>(i * 7);
    const auto write = [&](int fd, std::uint64_t offset, std::uint64_t length, bool is_direct) {
      const ssize_t n = pwrite(fd, buffer.data(), length, static_cast<off_t>(offset));
      issued.push_back({offset, length, is_direct, n < 0 ? -errno : n, XXH3_64bits(buffer.data(), length)});
    };
    write(direct, 0, 4096, true);
    write(direct, 4096, 8192, true);
    write(direct, 100, 512, true);  // rejected: EINVAL
    write(buffered, 3, 17, false);
    write(buffered, 100, 3000, false);  // not stripe-aligned in the backend: hashed while copied all the same
    close(direct);
    close(buffered);
  }
  const std::string dioharness = std::filesystem::path(dioh::MountedDiofs::DiofsBinary()).parent_path() / "dioharness";
  const auto dump = diofs_test::RunShell(dioharness + " log dump --json --filter op=write " + log_path);
  ASSERT_EQ(dump.status, 0) << dump.output;
  std::istringstream lines(dump.output);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);  // throws, failing the test, on a bad line
    ASSERT_LT(i, issued.size()) << line;
    EXPECT_EQ(j["offset"], issued[i].offset) << line;
    EXPECT_EQ(j["length"], issued[i].length) << line;
    EXPECT_EQ(j["direct"], issued[i].direct) << line;
    EXPECT_EQ(j["result"], issued[i].result) << line;
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(issued[i].hash));
    EXPECT_EQ(j["data_hash"], hash) << line;
    ++i;
  }
  EXPECT_EQ(i, issued.size());
}

// Links and special files are logged as the namespace changes they are; a
// file with two names is logged under the first that still exists.
TEST(MountLogTest, LinksAndSpecialFilesAreRecorded) {
  LogDir dir;
  const std::string log_path = dir.File("links.log");
  {
    DIOFS_MOUNT_OR_SKIP(mount, {"--log", log_path});
    const diofs_test::CommandResult r =
        diofs_test::RunShell("cd " + mount->mountpoint() + " && echo x > a && ln -s a sym && ln a hard && mkfifo fifo"
                             " && rm a && echo y >> hard");
    ASSERT_EQ(r.status, 0) << r.output;
    ASSERT_TRUE(mount->Unmount().ok());
  }
  auto log = diofs::oplog::ReadLogFile(log_path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::map<OpKind, std::vector<const diofs::oplog::LogRecord*>> by_kind;
  for (const auto& r : log->records) by_kind[r.kind].push_back(&r);
  ASSERT_EQ(by_kind[OpKind::kSymlink].size(), 1u);
  EXPECT_EQ(by_kind[OpKind::kSymlink][0]->path, "/sym");
  EXPECT_EQ(by_kind[OpKind::kSymlink][0]->text, "a");
  ASSERT_EQ(by_kind[OpKind::kLink].size(), 1u);
  EXPECT_EQ(by_kind[OpKind::kLink][0]->path, "/a");
  EXPECT_EQ(by_kind[OpKind::kLink][0]->text, "/hard");
  ASSERT_EQ(by_kind[OpKind::kMknod].size(), 1u);
  EXPECT_EQ(by_kind[OpKind::kMknod][0]->path, "/fifo");
  EXPECT_EQ(by_kind[OpKind::kMknod][0]->aux & S_IFMT, static_cast<std::uint32_t>(S_IFIFO));
  ASSERT_FALSE(by_kind[OpKind::kWrite].empty());
  EXPECT_EQ(by_kind[OpKind::kWrite].back()->path, "/hard");  // "a" is gone: the other name
}

}  // namespace
