// Throughput through diofs against tmpfs (/dev/shm) measured in the same run:
// O_DIRECT writes and reads and buffered writes of 4 KiB, 64 KiB, 512 KiB and
// 1 MiB, from 1 and 4 threads (one file each), with the op log off, on, and on
// with data (--log-data). bytes_per_second is the throughput, items_per_second
// the ops/s. The ratios (diofs/tmpfs, log on/off) are computed from the JSON by
// `dioharness bench-report`; nothing here asserts a time.
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/mount/mounted_diofs.h"

namespace {

constexpr std::size_t kWindowPerThread = 16u << 20;  // each thread cycles over 16 MiB of its file
constexpr double kMinSeconds = 0.2;                  // per benchmark: 96 of them, on a 2-core machine
// The figures issue 9's goals are judged on (1 MiB O_DIRECT writes) are
// repeated more than the others: their cv is ~10 % on this machine, the
// same size as the 3 % goal on the log's cost.
constexpr int kGoalRepetitions = 9;

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
  // Registered size by size with the targets next to each other: the figures a
  // ratio compares are measured back to back, so a change in the machine's
  // load during the run shifts both.
  for (const Access& access : kAccesses) {
    for (const std::size_t size : kSizes) {
      for (const Target& target : targets) {
        auto* bench = benchmark::RegisterBenchmark((std::string(access.name) + "/" + target.name).c_str(),
                                                   [&target, &access](benchmark::State& s) { RunAccess(s, target, access); })
                          ->Arg(static_cast<std::int64_t>(size))
                          ->Threads(1)
                          ->Threads(4)
                          ->MinTime(kMinSeconds)
                          ->UseRealTime();
        if (access.open_flags == O_DIRECT && !access.read && size == (1u << 20)) bench->Repetitions(kGoalRepetitions);
      }
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  mounts.clear();  // unmount: the logs get their trailers
  std::filesystem::remove_all(logs);
  return 0;
}
