// The CPU a 1 MiB write costs diofs's mem backend (MemFile::WriteAt), by
// how the op log's payload hash is done, measured in the same run:
//   copy            the log off: the payload copied into the pages
//   copy_then_hash  the copy, then XXH3_64bits of the payload in its own
//                   pass (what the log did before PayloadCopier, after the
//                   reply)
//   copy_and_hash   one pass that copies and hashes (PayloadCopier, now)
// The payload comes from one reused buffer, as a FUSE worker's request
// buffer right after the kernel filled it; the file is a 16 MiB window
// written round and round, as in diofs_io_bench. bench-report divides each
// by `copy`.
#include <xxhash.h>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "fs/core/mem_file.h"

namespace diofs {
namespace {

constexpr std::size_t kWindow = 16u << 20;

enum class Hashing { kNone, kSeparatePass, kWhileCopying };

void BM_MemWrite(benchmark::State& state, Hashing hashing) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<std::byte> payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::byte>(i * 131 + 7);
  MemFile file;
  for (std::size_t at = 0; at < kWindow; at += size) (void)file.WriteAt(at, payload);  // pages exist, as in steady state
  std::uint64_t offset = 0, hashes = 0;
  for (auto _ : state) {
    std::optional<std::uint64_t> hash;
    const auto done = file.WriteAt(offset, payload, hashing == Hashing::kWhileCopying ? &hash : nullptr);
    if (hashing == Hashing::kSeparatePass) hash = XXH3_64bits(payload.data(), payload.size());
    if (!done.ok()) {
      state.SkipWithError("WriteAt failed");
      break;
    }
    hashes += hash.value_or(0) & 1;
    benchmark::DoNotOptimize(hashes);
    offset = (offset + size) % kWindow;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

BENCHMARK_CAPTURE(BM_MemWrite, copy, Hashing::kNone)->Arg(1 << 20)->Arg(64 << 10);
BENCHMARK_CAPTURE(BM_MemWrite, copy_then_hash, Hashing::kSeparatePass)->Arg(1 << 20)->Arg(64 << 10);
BENCHMARK_CAPTURE(BM_MemWrite, copy_and_hash, Hashing::kWhileCopying)->Arg(1 << 20)->Arg(64 << 10);

}  // namespace
}  // namespace diofs

BENCHMARK_MAIN();
