// Throughput through diofs against tmpfs (/dev/shm) measured in the same run:
// O_DIRECT writes and reads and buffered writes of 4 KiB, 64 KiB, 512 KiB and
// 1 MiB, from 1 and 4 threads (one file each), with the op log off, on, and on
// with data (--log-data). bytes_per_second is the throughput, items_per_second
// the ops/s. The ratios (diofs/tmpfs, log on/off) are computed from the JSON by
// `dioharness bench-report`; nothing here asserts a time.
//
// odirect_write_one_file/TARGET: 4 threads write 1 MiB O_DIRECT blocks into
// one pre-sized file, each into its own 16 MiB region, then read their
// region back and compare (a mismatch fails the benchmark): diofs as mounted
// by default (parallel direct writes) against diofs --serial-direct-writes
// and tmpfs.
//
// odirect_write/passthrough_ll: the same O_DIRECT writes through libfuse's
// low-level passthrough example (passthrough_ll, built from Debian's
// libfuse3-dev) over a tmpfs folder with cache=never, so that every request
// reaches it: the FUSE peer that diofs's per-request cost is judged against.
//
// paired_log_odirect_write/SIZE measures the log's cost more tightly: each
// iteration writes one block to diofs with the log off and one to diofs
// with the log on, in alternating order, timing each write alone. The two
// see the same machine within a millisecond, so a drift of the load (cv
// 9-18 % between repetitions of the separate benchmarks on this VM) shifts
// both; counters: <target>_us per write and log_on_over_off, the ratio of
// throughputs. paired_peer_odirect_overwrite/SIZE pairs diofs (log on) with
// passthrough_ll the same way (diofs_over_peer), in files whose window was
// written once before the timed loop: every timed write replaces data, the
// steady state of a file rewritten. paired_peer_odirect_append/4096 writes
// each block where the file has none yet (its offset only grows): what a
// first write costs, where each daemon must find memory for the data. (With
// a window written during the timed loop, the share of first writes would
// be whatever the iteration count made it.) The paired benchmarks mount
// their daemons afresh for each repetition (Setup/Teardown): two daemons
// kept for a whole run differed by up to 17 % between runs with the same
// options (where their workers and memory land), which a single pair of
// mounts would carry into every repetition; fresh pairs put it in the cv.
// (Not for diofs against tmpfs: alternating with tmpfs lets diofs's workers
// fall asleep between its writes, which streaming does not; two FUSE daemons
// alternate on equal terms.)
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/mount/mounted_diofs.h"
#include "tests/fs/daemon/peer_mount.h"

namespace {

constexpr std::size_t kWindowPerThread = 16u << 20;  // each thread cycles over 16 MiB of its file
constexpr double kMinSeconds = 0.2;                  // per benchmark: 96 of them, on a 2-core machine
// Repetitions of the paired benchmarks, on which the goals on the log's
// cost and against the FUSE peer are judged. The log's: its cost (about
// 1.5 %) is judged against 3 % with a cv of about 3 % per repetition, so its
// median needs more of them.
constexpr int kGoalRepetitions = 9;
constexpr int kLogGoalRepetitions = 21;

struct Access {
  const char* name;
  int open_flags;
  bool read;
};
constexpr Access kAccesses[] = {
    {"odirect_write", O_DIRECT, false},
    {"odirect_read", O_DIRECT, true},
    {"buffered_write", 0, false},
};

constexpr std::size_t kSizes[] = {4u << 10, 64u << 10, 512u << 10, 1u << 20};

struct Target {
  std::string name;  // tmpfs, diofs_log_off, ...
  std::string folder;
};

bool WriteAll(int fd, const void* buffer, std::size_t size, std::size_t length) {
  for (std::size_t offset = 0; offset < length; offset += size) {
    if (pwrite(fd, buffer, size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size)) return false;
  }
  return true;
}

void RunAccess(benchmark::State& state, const Target& target, const Access& access) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string path = target.folder + "/" + access.name + "-" + std::to_string(size) + "-t" +
                           std::to_string(state.thread_index());
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | access.open_flags, 0644);
  if (fd < 0) {
    state.SkipWithError(("open " + path + ": " + std::strerror(errno)).c_str());
    return;
  }
  void* buffer = nullptr;
  if (posix_memalign(&buffer, 4096, size) != 0) std::abort();
  std::memset(buffer, 0x5A, size);
  // Reads need data to read: fill the window before the timed loop.
  if (access.read && !WriteAll(fd, buffer, size, kWindowPerThread)) state.SkipWithError("prefill failed");
  std::size_t offset = 0;
  for (auto _ : state) {
    const ssize_t done = access.read ? pread(fd, buffer, size, static_cast<off_t>(offset))
                                     : pwrite(fd, buffer, size, static_cast<off_t>(offset));
    if (done != static_cast<ssize_t>(size)) {
      state.SkipWithError(access.read ? "pread failed" : "pwrite failed");
      break;
    }
    offset = (offset + size) % kWindowPerThread;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  close(fd);
  std::free(buffer);
  unlink(path.c_str());
}

void RunOneFile(benchmark::State& state, const Target& target) {
  constexpr std::size_t kSize = 1u << 20;
  const auto region = static_cast<off_t>(state.thread_index() * kWindowPerThread);
  const std::string path = target.folder + "/one-file";
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(state.threads() * kWindowPerThread)) != 0) {
    state.SkipWithError(("open " + path + ": " + std::strerror(errno)).c_str());
    if (fd >= 0) close(fd);
    return;
  }
  void* buffer = nullptr;
  void* check = nullptr;
  if (posix_memalign(&buffer, 4096, kSize) != 0 || posix_memalign(&check, 4096, kSize) != 0) std::abort();
  std::memset(buffer, 0x40 + state.thread_index(), kSize);  // each thread's own pattern
  std::size_t offset = 0;
  for (auto _ : state) {
    if (pwrite(fd, buffer, kSize, region + static_cast<off_t>(offset)) != static_cast<ssize_t>(kSize)) {
      state.SkipWithError("pwrite failed");
      break;
    }
    offset = (offset + kSize) % kWindowPerThread;
  }
  const std::size_t written = std::min<std::size_t>(state.iterations() * kSize, kWindowPerThread);
  for (std::size_t at = 0; at < written; at += kSize) {
    if (pread(fd, check, kSize, region + static_cast<off_t>(at)) != static_cast<ssize_t>(kSize) ||
        std::memcmp(check, buffer, kSize) != 0) {
      state.SkipWithError("data read back differs from what this thread wrote");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSize));
  close(fd);
  unlink(path.c_str());  // every thread has it open by now; the last unlink is the one that counts
  std::free(buffer);
  std::free(check);
}

// Two daemons mounted afresh for each repetition of a paired benchmark.
struct Pair {
  std::vector<std::pair<std::string, std::vector<std::string>>> diofs;  // name, options
  bool with_peer = false;  // passthrough_ll first, then the diofs mounts
  std::vector<std::unique_ptr<dioh::MountedDiofs>> mounts;
  std::unique_ptr<diofs_bench::PeerMount> peer;
  std::vector<Target> targets;  // empty when a mount failed
};
Pair g_log_pair;   // diofs_log_off, diofs_log_on
Pair g_peer_pair;  // passthrough_ll, diofs_log_on

void MountPair(Pair& pair) {
  pair.targets.clear();
#ifdef PASSTHROUGH_LL
  if (pair.with_peer) {
    pair.peer = diofs_bench::PeerMount::Mount(PASSTHROUGH_LL);
    if (pair.peer == nullptr) return;
    pair.targets.push_back({"passthrough_ll", pair.peer->mountpoint()});
  }
#endif
  for (const auto& [name, args] : pair.diofs) {
    auto mount = dioh::MountedDiofs::Mount(args);
    if (!mount.ok()) {
      std::fprintf(stderr, "diofs_io_bench: cannot mount diofs: %s\n", mount.status().ToString().c_str());
      pair.targets.clear();
      return;
    }
    pair.targets.push_back({name, (*mount)->mountpoint()});
    pair.mounts.push_back(std::move(*mount));
  }
}

void UnmountPair(Pair& pair) {
  pair.targets.clear();
  pair.mounts.clear();
  pair.peer.reset();
}

// Google Benchmark calls these once per repetition, before its threads start and after they end.
void SetupLogPair(const benchmark::State&) { MountPair(g_log_pair); }
void TeardownLogPair(const benchmark::State&) { UnmountPair(g_log_pair); }
void SetupPeerPair(const benchmark::State&) { MountPair(g_peer_pair); }
void TeardownPeerPair(const benchmark::State&) { UnmountPair(g_peer_pair); }

// Where the timed writes of a paired benchmark go.
enum class Placement {
  kCycle,      // over the thread's window of a new file, wrapping around
  kOverwrite,  // the same, in a window written once before the timed loop
  kAppend,     // each block after the previous one: never where data was
};

// One block to each of the pair's two targets per iteration, in a rotating
// order; the time of each write is summed per target. The ratio counter is
// targets[0]'s time over targets[1]'s: the throughput of [1] against [0].
void RunPaired(benchmark::State& state, const Pair& pair, const char* ratio_name, Placement placement) {
  if (pair.targets.size() != 2) {
    state.SkipWithError("the pair's daemons could not be mounted");
    for (auto _ : state) {
    }
    return;
  }
  const std::vector<Target>& targets = pair.targets;
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<int> fds;
  std::vector<std::string> paths;
  for (const Target& target : targets) {
    paths.push_back(target.folder + "/paired-" + std::to_string(size) + "-t" + std::to_string(state.thread_index()));
    fds.push_back(open(paths.back().c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644));
    if (fds.back() < 0) state.SkipWithError(("open " + paths.back() + ": " + std::strerror(errno)).c_str());
  }
  void* buffer = nullptr;
  if (posix_memalign(&buffer, 4096, size) != 0) std::abort();
  std::memset(buffer, 0x5A, size);
  if (placement == Placement::kOverwrite) {
    // 1 MiB at a time (the window is a whole number of them): 16 requests, not 4,096.
    void* fill = nullptr;
    if (posix_memalign(&fill, 4096, 1u << 20) != 0) std::abort();
    std::memset(fill, 0xA5, 1u << 20);
    for (const int fd : fds) {
      if (fd >= 0 && !WriteAll(fd, fill, 1u << 20, kWindowPerThread)) state.SkipWithError("prefill failed");
    }
    std::free(fill);
  }
  std::vector<double> seconds(targets.size(), 0.0);
  std::size_t offset = 0, turn = 0;
  for (auto _ : state) {
    if (fds[0] < 0 || fds[1] < 0) break;
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const std::size_t i = (turn + k) % targets.size();
      const auto start = std::chrono::steady_clock::now();
      const ssize_t done = pwrite(fds[i], buffer, size, static_cast<off_t>(offset));
      seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (done != static_cast<ssize_t>(size)) state.SkipWithError("pwrite failed");
    }
    ++turn;
    offset = placement == Placement::kAppend ? offset + size : (offset + size) % kWindowPerThread;
  }
  const double writes = static_cast<double>(state.iterations());
  for (std::size_t i = 0; i < targets.size() && writes > 0; ++i) {
    // Averaged over the threads: the time one write to this target took.
    state.counters[targets[i].name + "_us"] =
        benchmark::Counter(seconds[i] / writes * 1e6, benchmark::Counter::kAvgThreads);
  }
  // This thread's ratio of throughputs (the inverse of the times), averaged over the threads.
  state.counters[ratio_name] =
      benchmark::Counter(seconds[1] > 0 ? seconds[0] / seconds[1] : 0, benchmark::Counter::kAvgThreads);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size * targets.size()));
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i] >= 0) close(fds[i]);
    unlink(paths[i].c_str());
  }
  std::free(buffer);
}

// The machine and build the figures come from (bench-report prints them).
void AddBuildContext() {
  utsname name{};
  if (uname(&name) == 0) benchmark::AddCustomContext("kernel", name.release);
  benchmark::AddCustomContext("dioharness_build_type", DIOHARNESS_BUILD_TYPE);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  AddBuildContext();
  char log_dir[] = "/tmp/diofs-bench-XXXXXX";
  if (mkdtemp(log_dir) == nullptr) return 1;
  const std::string logs = log_dir;
  std::vector<Target> targets = {{"tmpfs", "/dev/shm"}};
  std::vector<std::unique_ptr<dioh::MountedDiofs>> mounts;
  const std::vector<std::pair<std::string, std::vector<std::string>>> configs = {
      {"diofs_log_off", {}},
      {"diofs_log_on", {"--log", logs + "/on.log"}},
      {"diofs_log_data", {"--log", logs + "/data.log", "--log-data"}},
      {"diofs_serial_direct_writes", {"--serial-direct-writes"}},  // odirect_write_one_file only
  };
  for (const auto& [name, args] : configs) {
    auto mount = dioh::MountedDiofs::Mount(args);
    if (!mount.ok()) {
      std::fprintf(stderr, "diofs_io_bench: cannot mount diofs: %s\n", mount.status().ToString().c_str());
      return 1;
    }
    targets.push_back({name, (*mount)->mountpoint()});
    mounts.push_back(std::move(*mount));
  }
  const Target serial = targets.back();  // only for the one-file benchmark
  targets.pop_back();
  std::vector<Target> peers;  // O_DIRECT writes only
#ifdef PASSTHROUGH_LL
  auto peer = diofs_bench::PeerMount::Mount(PASSTHROUGH_LL);
  if (peer == nullptr) {
    std::fprintf(stderr, "diofs_io_bench: cannot mount %s\n", PASSTHROUGH_LL);
    return 1;
  }
  peers.push_back({"passthrough_ll", peer->mountpoint()});
#endif
  // Registered size by size with the targets next to each other: the figures a
  // ratio compares are measured back to back, so a change in the machine's
  // load during the run shifts both.
  for (const Access& access : kAccesses) {
    for (const std::size_t size : kSizes) {
      std::vector<const Target*> here;
      for (const Target& target : targets) here.push_back(&target);
      if (!access.read && access.open_flags == O_DIRECT) {
        for (const Target& target : peers) here.push_back(&target);
      }
      for (const Target* target_ptr : here) {
        const Target& target = *target_ptr;
        benchmark::RegisterBenchmark((std::string(access.name) + "/" + target.name).c_str(),
                                     [&target, &access](benchmark::State& s) { RunAccess(s, target, access); })
            ->Arg(static_cast<std::int64_t>(size))
            ->Threads(1)
            ->Threads(4)
            ->MinTime(kMinSeconds)
            ->UseRealTime();
      }
    }
  }
  // One file, 4 writers: tmpfs, diofs (log off), diofs with serial direct writes.
  for (const Target* target : std::vector<const Target*>{&targets[0], &targets[1], &serial}) {
    benchmark::RegisterBenchmark(("odirect_write_one_file/" + target->name).c_str(),
                                 [target](benchmark::State& s) { RunOneFile(s, *target); })
        ->Threads(4)
        ->MinTime(kMinSeconds)
        ->Repetitions(3)
        ->UseRealTime();
  }
  g_log_pair.diofs = {configs[0], {"diofs_log_on", {"--log", logs + "/paired-on.log"}}};
  benchmark::RegisterBenchmark("paired_log_odirect_write",
                               [](benchmark::State& s) { RunPaired(s, g_log_pair, "log_on_over_off", Placement::kCycle); })
      ->Arg(1 << 20)
      ->Threads(1)
      ->Threads(4)
      ->MinTime(0.5)
      ->Repetitions(kLogGoalRepetitions)
      ->Setup(SetupLogPair)
      ->Teardown(TeardownLogPair)
      ->UseRealTime();
#ifdef PASSTHROUGH_LL
  g_peer_pair.with_peer = true;
  g_peer_pair.diofs = {{"diofs_log_on", {"--log", logs + "/paired-peer.log"}}};
  const auto register_peer_pair = [](const char* name, Placement placement, std::vector<std::int64_t> sizes) {
    auto* bench = benchmark::RegisterBenchmark(name, [placement](benchmark::State& s) {
      RunPaired(s, g_peer_pair, "diofs_over_peer", placement);
    });
    for (const std::int64_t size : sizes) bench->Arg(size);
    bench->Threads(1)
        ->Threads(4)
        ->MinTime(0.5)
        ->Repetitions(kGoalRepetitions)
        ->Setup(SetupPeerPair)
        ->Teardown(TeardownPeerPair)
        ->UseRealTime();
  };
  register_peer_pair("paired_peer_odirect_overwrite", Placement::kOverwrite, {4 << 10, 1 << 20});
  // 4 KiB only: appending 1 MiB blocks for as long would hold gigabytes in each daemon.
  register_peer_pair("paired_peer_odirect_append", Placement::kAppend, {4 << 10});
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  mounts.clear();  // unmount: the logs get their trailers
#ifdef PASSTHROUGH_LL
  peer.reset();
#endif
  std::filesystem::remove_all(logs);
  return 0;
}
