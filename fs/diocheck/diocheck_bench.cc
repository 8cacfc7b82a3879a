// diocheck_bench: what libdiocheck.so adds to each intercepted call.
//
// The library is dlopen()ed (RTLD_LOCAL, so it interposes nothing here) and
// its exported pwrite/pread/open are called directly: each pair of
// benchmarks runs the same transfer through libc's symbol (the baseline) and
// through diocheck's, in the same process and run, on a tmpfs file
// (/dev/shm). At the end the ratio and the added ns per call are printed.
// DIOCHECK_MEM_ALIGN=4096 is set so that the O_DIRECT case really checks.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "fs/diocheck/checker.h"

namespace {

using OpenFunction = int (*)(const char*, int, ...);
using PwriteFunction = ssize_t (*)(int, const void*, size_t, off_t);
using PreadFunction = ssize_t (*)(int, void*, size_t, off_t);
using CloseFunction = int (*)(int);

struct Calls {
  OpenFunction open;
  PwriteFunction pwrite;
  PreadFunction pread;
  CloseFunction close;
};

Calls libc_calls{::open, ::pwrite, ::pread, ::close};
Calls diocheck_calls{};

alignas(4096) char buffer[4096];
const char* kFile = "/dev/shm/diocheck-bench";

// `opener` decides whether the library saw the open (an unseen fd is
// checked through fcntl(F_GETFL) on each transfer).
void Pwrite(benchmark::State& state, const Calls& calls, const Calls& opener, int flags,
            size_t length) {
  const int fd = opener.open(kFile, O_RDWR | O_CREAT | flags, 0644);
  if (fd < 0) {
    state.SkipWithError("open failed (O_DIRECT on tmpfs needs Linux 6.6)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(calls.pwrite(fd, buffer, length, 0));
  opener.close(fd);
}

void Pread(benchmark::State& state, const Calls& calls) {
  const int fd = calls.open(kFile, O_RDWR | O_CREAT, 0644);
  calls.pwrite(fd, buffer, sizeof(buffer), 0);
  for (auto _ : state) benchmark::DoNotOptimize(calls.pread(fd, buffer, 64, 0));
  calls.close(fd);
}

// The check alone, without the system call: Checker::ShouldReject on a
// tracked descriptor, as every interposed transfer runs it.
void CheckOnly(benchmark::State& state, int flags) {
  using diocheck::Checker;
  using diocheck::DescriptionTable;
  std::vector<uint64_t> storage(DescriptionTable::BytesFor(1024) / sizeof(uint64_t) + 1);
  const char* problem = nullptr;
  const diocheck::Config config = diocheck::ConfigFromEnvironment(
      [](const char* name) -> const char* { return getenv(name); }, &problem);
  const diocheck::OsCalls os{::open, ::read, ::write, ::close, ::fcntl};
  auto checker = std::make_unique<Checker>(config, os, DescriptionTable(storage.data(), 1024));
  const int fd = ::open(kFile, O_RDWR | O_CREAT | flags, 0644);
  checker->OnOpened(fd, O_RDWR | flags);
  struct iovec segment{buffer, sizeof(buffer)};
  for (auto _ : state) {
    benchmark::DoNotOptimize(checker->ShouldReject(diocheck::Transfer{fd, "pwrite", &segment, 1, true, 0}));
  }
  ::close(fd);
}

// Console output plus, at the end, each "<name>/diocheck" against "<name>/libc",
// in CPU time per call (single-threaded calls; CPU time is what a shared,
// loaded machine distorts least).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // One figure per benchmark: the median when repeated, else the run.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        ns_[run.run_name.str()] = run.GetAdjustedCPUTime();
      } else if (run.run_type == Run::RT_Iteration && run.repetitions <= 1) {
        ns_[run.benchmark_name()] = run.GetAdjustedCPUTime();
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-44s %10s %10s %8s %10s\n", "call (CPU ns)", "libc", "diocheck", "ratio", "added");
    for (const auto& [name, ns] : ns_) {
      const size_t slash = name.rfind("/diocheck");
      if (slash == std::string::npos) continue;
      const std::string base = name.substr(0, slash);
      const auto baseline = ns_.find(base + "/libc");
      if (baseline == ns_.end()) continue;
      std::printf("%-44s %10.1f %10.1f %8.3f %10.1f\n", base.c_str(), baseline->second, ns,
                  ns / baseline->second, ns - baseline->second);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  setenv("DIOCHECK_MEM_ALIGN", "4096", 1);
  unsetenv("DIOCHECK_LOG");
  void* library = dlopen(DIOCHECK_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::fprintf(stderr, "diocheck_bench: cannot load %s: %s\n", DIOCHECK_LIBRARY, dlerror());
    return 1;
  }
  diocheck_calls = Calls{reinterpret_cast<OpenFunction>(dlsym(library, "open")),
                         reinterpret_cast<PwriteFunction>(dlsym(library, "pwrite")),
                         reinterpret_cast<PreadFunction>(dlsym(library, "pread")),
                         reinterpret_cast<CloseFunction>(dlsym(library, "close"))};
  struct Case {
    const char* name;
    int flags;
    size_t length;
  };
  for (const Case& c : {Case{"pwrite_4k_buffered", 0, 4096}, Case{"pwrite_4k_odirect", O_DIRECT, 4096}}) {
    benchmark::RegisterBenchmark((std::string(c.name) + "/libc").c_str(), [c](benchmark::State& s) {
      Pwrite(s, libc_calls, libc_calls, c.flags, c.length);
    });
    benchmark::RegisterBenchmark((std::string(c.name) + "/diocheck").c_str(), [c](benchmark::State& s) {
      Pwrite(s, diocheck_calls, diocheck_calls, c.flags, c.length);
    });
  }
  benchmark::RegisterBenchmark("pwrite_4k_buffered_unseen_fd/libc", [](benchmark::State& s) {
    Pwrite(s, libc_calls, libc_calls, 0, 4096);
  });
  benchmark::RegisterBenchmark("pwrite_4k_buffered_unseen_fd/diocheck", [](benchmark::State& s) {
    Pwrite(s, diocheck_calls, libc_calls, 0, 4096);
  });
  benchmark::RegisterBenchmark("pread_64_buffered/libc", [](benchmark::State& s) { Pread(s, libc_calls); });
  benchmark::RegisterBenchmark("pread_64_buffered/diocheck",
                               [](benchmark::State& s) { Pread(s, diocheck_calls); });

  benchmark::RegisterBenchmark("check_only_odirect_aligned", [](benchmark::State& s) { CheckOnly(s, O_DIRECT); });
  benchmark::RegisterBenchmark("check_only_buffered", [](benchmark::State& s) { CheckOnly(s, 0); });

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  unlink(kFile);
  return 0;
}
