// Save throughput of the engine to a tmpfs file (/dev/shm) with 1, 2 and 4
// multifd channels, 50 % zero pages. Guest RAM size: MRM_BENCH_RAM (default
// 256M, e.g. MRM_BENCH_RAM=4G). Each result also carries its ratio to a
// baseline measured in the same run: one thread pwrite()ing the same data
// pages sequentially to the same filesystem.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "migration/channel/file_io.h"
#include "migration/engine/page_sender.h"
#include "migration/engine/save.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine {
namespace {

const ram::ContentSpec kContent{42, 0.5, 0};

ram::HostRam& Ram() {
  static ram::HostRam* ram = [] {
    const char* env = std::getenv("MRM_BENCH_RAM");
    auto specs = ram::ParseRamSpec(std::string("pc.ram=") + (env ? env : "256M"));
    auto r = ram::HostRam::Allocate(specs.value());
    r->ApplyPass(kContent, 0);
    return new ram::HostRam(std::move(r).value());
  }();
  return *ram;
}

std::string BenchPath() { return "/dev/shm/mrm-bench-" + std::to_string(::getpid()) + ".img"; }

// Bytes per second of one thread writing every data page in order, measured once.
double BaselineBytesPerSecond() {
  static double rate = [] {
    const ram::RamBlock& b = Ram().blocks()[0];
    const std::string path = BenchPath();
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    uint64_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t p = 0; p < b.pages(); ++p) {
      if (IsZeroPage(b.page(p))) continue;
      if (::pwrite(fd, b.page(p), ram::kPageSize, static_cast<off_t>(p * ram::kPageSize)) > 0) bytes += ram::kPageSize;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(fd);
    ::unlink(path.c_str());
    return static_cast<double>(bytes) / seconds;
  }();
  return rate;
}

void BM_SaveToTmpfs(benchmark::State& state) {
  ram::HostRam& ram = Ram();
  SaveConfig config;
  config.path = BenchPath();
  config.multifd = true;
  config.channels = static_cast<uint32_t>(state.range(0));
  const double baseline = BaselineBytesPerSecond();
  uint64_t data_bytes = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    MigrationStatus s = SaveMigration(channel::PosixFileSystem(), ram, config);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s.state != MigrationState::kCompleted) {
      state.SkipWithError(s.error_desc.c_str());
      break;
    }
    data_bytes += s.ram.normal_pages * ram::kPageSize;
    state.PauseTiming();
    ::unlink(config.path.c_str());
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(ram.total_length() * state.iterations()));
  const double data_rate = seconds > 0 ? static_cast<double>(data_bytes) / seconds : 0;
  state.counters["data_MiB_per_s"] = data_rate / (1 << 20);
  state.counters["vs_1thread_pwrite"] = data_rate / baseline;
}
BENCHMARK(BM_SaveToTmpfs)->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mrm::engine

BENCHMARK_MAIN();
