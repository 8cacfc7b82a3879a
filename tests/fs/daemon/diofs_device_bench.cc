// The device model's accuracy through a mount: a 256 MiB O_DIRECT write in
// 1 MiB requests to diofs --device none,write-bw=200M must take 1.28 s (256
// MiB at 200 MiB/s). Reports the measured seconds and their ratio to that
// expectation (counter "measured_over_expected"); nothing asserts a time.
#include <fcntl.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "harness/mount/mounted_diofs.h"

namespace {

constexpr std::size_t kTotal = 256u << 20;
constexpr std::size_t kRequest = 1u << 20;
constexpr double kRate = 200.0 * (1u << 20);  // the preset override below, bytes per second

void ShapedWrite(benchmark::State& state) {
  auto mount = dioh::MountedDiofs::Mount({"--device", "none,write-bw=200M"});
  if (!mount.ok()) {
    state.SkipWithError(mount.status().ToString().c_str());
    return;
  }
  void* buffer = nullptr;
  if (posix_memalign(&buffer, 4096, kRequest) != 0) std::abort();
  std::memset(buffer, 0x42, kRequest);
  const std::string path = (*mount)->Path("shaped");
  for (auto _ : state) {
    const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_DIRECT, 0644);
    for (std::size_t done = 0; done < kTotal; done += kRequest) {
      if (pwrite(fd, buffer, kRequest, static_cast<off_t>(done)) != static_cast<ssize_t>(kRequest)) {
        state.SkipWithError("pwrite failed");
        break;
      }
    }
    close(fd);
  }
  std::free(buffer);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kTotal));
  state.counters["expected_seconds"] = kTotal / kRate;
  // The per-iteration wall time over the expected one (1.0 = exact).
  state.counters["measured_over_expected"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * (kTotal / kRate),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(ShapedWrite)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
