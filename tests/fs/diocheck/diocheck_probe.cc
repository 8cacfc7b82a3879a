// diocheck_probe: a small program the preload tests run under
// LD_PRELOAD=libdiocheck.so. `diocheck_probe SCENARIO FILE` performs the
// transfers of one scenario on FILE and prints one line per step:
// "<step> <result> <errno>" (errno 0 when the call succeeded). It links
// nothing of diocheck: it sees the library only through libc symbols.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr size_t kBlock = 4096;

void Print(const char* step, long result) {
  std::printf("%s %ld %d\n", step, result, result < 0 ? errno : 0);
}

// A 64 KiB-aligned arena, so that base + N has exactly the alignment N gives.
char* Arena() {
  static char* arena = static_cast<char*>(std::aligned_alloc(65536, 65536));
  return arena;
}

int OpenFile(const char* path, int extra_flags) {
  const int fd = open(path, O_RDWR | O_CREAT | extra_flags, 0644);
  if (fd < 0) {
    std::perror(path);
    std::exit(2);
  }
  return fd;
}

long FileSize(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 ? static_cast<long>(status.st_size) : -1;
}

int MisalignedPwrite(const char* path) {
  const int fd = OpenFile(path, O_DIRECT);
  char* heap = static_cast<char*>(std::malloc(2 * kBlock));
  Print("pwrite", pwrite(fd, heap + 8, kBlock, 0));
  Print("size", FileSize(fd));
  std::free(heap);
  return close(fd);
}

int AlignedPwrite(const char* path) {
  const int fd = OpenFile(path, O_DIRECT);
  Print("pwrite", pwrite(fd, Arena(), kBlock, 0));
  Print("pread", pread(fd, Arena() + kBlock, kBlock, 0));
  return close(fd);
}

// Three 4 KiB segments; the middle one starts 8 bytes past a block.
int PwritevOneBad(const char* path) {
  const int fd = OpenFile(path, O_DIRECT);
  struct iovec segments[3] = {{Arena(), kBlock}, {Arena() + 2 * kBlock + 8, kBlock},
                              {Arena() + 4 * kBlock, kBlock}};
  Print("pwritev", pwritev(fd, segments, 3, 0));
  Print("pwritev2", pwritev2(fd, segments, 3, 0, 0));
  segments[1].iov_base = Arena() + 2 * kBlock;
  Print("pwritev-aligned", pwritev(fd, segments, 3, 0));
  return close(fd);
}

int Buffered(const char* path) {
  const int fd = OpenFile(path, 0);
  Print("pwrite", pwrite(fd, Arena() + 8, 100, 1));
  Print("write", write(fd, Arena() + 3, 7));
  Print("pread", pread(fd, Arena() + 5, 50, 0));
  return close(fd);
}

int FcntlToggle(const char* path) {
  const int fd = OpenFile(path, 0);
  Print("buffered", pwrite(fd, Arena() + 8, kBlock, 0));
  const int flags = fcntl(fd, F_GETFL);
  Print("setfl-direct", fcntl(fd, F_SETFL, flags | O_DIRECT));
  Print("direct", pwrite(fd, Arena() + 8, kBlock, 0));
  Print("setfl-buffered", fcntl(fd, F_SETFL, flags & ~O_DIRECT));
  Print("buffered-again", pwrite(fd, Arena() + 8, kBlock, 0));
  return close(fd);
}

// dup, dup2, dup3 and F_DUPFD_CLOEXEC share the description: O_DIRECT on
// one is O_DIRECT on all, and clearing it through a dup clears the original.
int Dup(const char* path) {
  const int fd = OpenFile(path, O_DIRECT);
  const int copy = dup(fd);
  const int copy2 = dup2(fd, 100);
  const int copy3 = dup3(fd, 101, O_CLOEXEC);
  const int copy4 = fcntl(fd, F_DUPFD_CLOEXEC, 102);
  Print("dup", pwrite(copy, Arena() + 8, kBlock, 0));
  Print("dup2", pwrite(copy2, Arena() + 8, kBlock, 0));
  Print("dup3", pwrite(copy3, Arena() + 8, kBlock, 0));
  Print("dupfd", pwrite(copy4, Arena() + 8, kBlock, 0));
  close(fd);  // the description lives on in the copies
  Print("after-close", pwrite(copy, Arena() + 8, kBlock, 0));
  const int flags = fcntl(copy2, F_GETFL);
  Print("clear-on-dup", fcntl(copy2, F_SETFL, flags & ~O_DIRECT));
  Print("other-dup", pwrite(copy, Arena() + 8, kBlock, 0));
  close(copy2);
  close(copy3);
  close(copy4);
  return close(copy);
}

// An O_DIRECT fd the library never saw opened (as if inherited).
int Unseen(const char* path) {
  const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CREAT | O_DIRECT, 0644));
  Print("pwrite", pwrite(fd, Arena() + 8, kBlock, 0));
  Print("read", read(fd, Arena() + 8, kBlock));
  return close(fd);
}

// Aligned to 4 KiB, not to 8 KiB: for a profile stricter than the disk.
int Aligned4kNot8k(const char* path) {
  const int fd = OpenFile(path, O_DIRECT);
  Print("pwrite", pwrite(fd, Arena() + kBlock, 2 * kBlock, 0));
  Print("size", FileSize(fd));
  return close(fd);
}

// 8 threads, each on its own O_DIRECT descriptor, mixing aligned and
// misaligned transfers and a buffered descriptor; prints how many
// misaligned O_DIRECT calls were issued, how many failed with EINVAL, and how
// many of the calls that must pass did not.
int Threads(const char* path) {
  constexpr int kThreads = 8, kRounds = 50;
  std::vector<long> issued(kThreads), rejected(kThreads), unexpected(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int fd = OpenFile(path, O_DIRECT);
      const int buffered = OpenFile(path, 0);
      char* own = static_cast<char*>(std::aligned_alloc(kBlock, 4 * kBlock));
      const off_t at = static_cast<off_t>(t) * 4 * static_cast<off_t>(kBlock);
      for (int round = 0; round < kRounds; ++round) {
        long results[3];
        results[0] = pwrite(fd, own + 16 * (round % 4 + 1), kBlock, at);
        struct iovec segments[2] = {{own, kBlock}, {own + kBlock + 8, kBlock}};
        results[1] = pwritev(fd, segments, 2, at);
        results[2] = pread(fd, own + 2 * kBlock + 24, kBlock, at);
        for (long result : results) rejected[t] += result < 0 && errno == EINVAL;
        issued[t] += 3;
        // An aligned O_DIRECT write and a misaligned buffered one must pass.
        unexpected[t] += pwrite(fd, own, kBlock, at) != static_cast<ssize_t>(kBlock);
        unexpected[t] += pwrite(buffered, own + 8, 100, at + 1) != 100;
      }
      std::free(own);
      close(buffered);
      close(fd);
    });
  }
  for (auto& thread : threads) thread.join();
  long total_issued = 0, total_rejected = 0, total_unexpected = 0;
  for (int t = 0; t < kThreads; ++t) {
    total_issued += issued[t];
    total_rejected += rejected[t];
    total_unexpected += unexpected[t];
  }
  Print("unexpected", total_unexpected);
  Print("issued", total_issued);
  Print("rejected", total_rejected);
  return 0;
}

// Every transfer call once, each from a misaligned buffer into a static
// array (so that _FORTIFY_SOURCE, in the LFS build of this probe, routes
// read and pread through __read_chk and __pread64_chk).
char fixed_buffer[4 * kBlock] __attribute__((aligned(4096)));

// Not compile-time constants: fortified read/pread and open then go through
// __read_chk, __pread64_chk and __open64_2.
volatile size_t runtime_block = kBlock;
volatile int runtime_flags = O_RDWR | O_DIRECT;

int EveryCall(const char* path) {
  close(OpenFile(path, 0));
  const int fd = open(path, runtime_flags);
  char* bad = fixed_buffer + 8;
  struct iovec segment{bad, kBlock};
  Print("write", write(fd, bad, kBlock));
  Print("read", read(fd, fixed_buffer + 8, runtime_block));
  Print("pwrite", pwrite(fd, bad, kBlock, 0));
  Print("pread", pread(fd, fixed_buffer + 8, runtime_block, 0));
  Print("writev", writev(fd, &segment, 1));
  Print("readv", readv(fd, &segment, 1));
  Print("pwritev", pwritev(fd, &segment, 1, 0));
  Print("preadv", preadv(fd, &segment, 1, 0));
  Print("pwritev2", pwritev2(fd, &segment, 1, 0, 0));
  Print("preadv2", preadv2(fd, &segment, 1, -1, 0));
  Print("setfl", fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_DIRECT));
  Print("buffered", pwrite(fd, bad, kBlock, 0));
  return close(fd);
}

// A successful call leaves errno alone, whatever the library did meanwhile
// (statx, the mount table, F_GETFL on an unseen fd): prints errno after each.
int ErrnoKept(const char* path) {
  errno = 1234;
  const int fd = OpenFile(path, O_DIRECT);
  Print("open-errno", errno);
  errno = 1234;
  (void)!pwrite(fd, Arena(), kBlock, 0);
  Print("pwrite-errno", errno);
  errno = 1234;
  (void)!write(STDERR_FILENO, "", 0);  // an fd the library did not see opened
  Print("unseen-errno", errno);
  errno = 1234;
  (void)!fcntl(fd, F_SETFL, O_RDWR);
  Print("fcntl-errno", errno);
  return close(fd);
}

struct Scenario {
  std::string_view name;
  int (*run)(const char* path);
};
constexpr Scenario kScenarios[] = {
    {"misaligned-pwrite", MisalignedPwrite}, {"aligned-pwrite", AlignedPwrite},
    {"pwritev-one-bad", PwritevOneBad},      {"buffered", Buffered},
    {"fcntl-toggle", FcntlToggle},           {"dup", Dup},
    {"unseen", Unseen},                      {"aligned-4k-not-8k", Aligned4kNot8k},
    {"threads", Threads},                    {"every-call", EveryCall},
    {"errno-kept", ErrnoKept},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: diocheck_probe SCENARIO FILE\n");
    return 2;
  }
  for (const Scenario& scenario : kScenarios) {
    if (scenario.name == argv[1]) {
      scenario.run(argv[2]);
      return std::fflush(stdout) == 0 ? 0 : 1;
    }
  }
  std::fprintf(stderr, "diocheck_probe: unknown scenario '%s'\n", argv[1]);
  return 2;
}
