// O_DIRECT write throughput through diofs with the op log off, on, and on
// with data, against tmpfs (/dev/shm) measured in the same run: the figures
// behind "the log costs at most 3 %" and "diofs reaches 50 % of tmpfs".
// Ratios come from the JSON (scripts/bench.sh); nothing here asserts a time.
#include <fcntl.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "harness/mount/mounted_diofs.h"

namespace {

constexpr std::size_t kWindow = 64u << 20;  // writes cycle over 64 MiB of the file

std::map<std::string, std::string> g_targets;  // configuration -> folder to write in
std::vector<std::unique_ptr<dioh::MountedDiofs>> g_mounts;
std::string g_log_dir;

void WriteDirect(benchmark::State& state, const std::string& config) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string path = g_targets.at(config) + "/bench-" + std::to_string(size);
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  if (fd < 0) {
    state.SkipWithError(("open " + path).c_str());
    return;
  }
  void* buffer = nullptr;
  if (posix_memalign(&buffer, 4096, size) != 0) std::abort();
  std::memset(buffer, 0x5A, size);
  std::size_t offset = 0;
  for (auto _ : state) {
    if (pwrite(fd, buffer, size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size)) {
      state.SkipWithError("pwrite failed");
      break;
    }
    offset = (offset + size) % kWindow;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  close(fd);
  std::free(buffer);
  unlink(path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  g_targets["tmpfs"] = "/dev/shm";
  char dir[] = "/tmp/diofs-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 1;
  g_log_dir = dir;
  const std::vector<std::pair<std::string, std::vector<std::string>>> configs = {
      {"diofs_log_off", {}},
      {"diofs_log_on", {"--log", g_log_dir + "/on.log"}},
      {"diofs_log_data", {"--log", g_log_dir + "/data.log", "--log-data"}},
  };
  for (const auto& [name, args] : configs) {
    auto mount = dioh::MountedDiofs::Mount(args);
    if (!mount.ok()) {
      std::fprintf(stderr, "diofs_log_bench: cannot mount diofs: %s\n", mount.status().ToString().c_str());
      return 1;
    }
    g_targets[name] = (*mount)->mountpoint();
    g_mounts.push_back(std::move(*mount));
  }
  for (const char* config : {"tmpfs", "diofs_log_off", "diofs_log_on", "diofs_log_data"}) {
    benchmark::RegisterBenchmark((std::string("odirect_write/") + config).c_str(),
                                 [config](benchmark::State& s) { WriteDirect(s, config); })
        ->Arg(4096)
        ->Arg(1 << 20)
        ->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_mounts.clear();  // unmount: the logs get their trailers
  std::filesystem::remove_all(g_log_dir);
  return 0;
}
