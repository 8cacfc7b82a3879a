// LogWriter throughput: records per second through OnOp (1 and 4 threads,
// without payload, with a 4 KiB payload only hashed (diofs --log) and with it
// kept as data (--log-data)), and bytes per record, against a baseline
// that only memcpys the same encoded record bytes into a per-thread buffer.
// The writer's output goes to /dev/null: this measures the writer alone
// (hash, lock, encode, hand-off, flusher), not the disk.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "fs/oplog/log_format.h"
#include "fs/oplog/log_writer.h"

namespace diofs::oplog {
namespace {

constexpr std::size_t kBaselineBuffer = 4u << 20;

OpEvent SampleEvent(std::span<const std::byte> data) {
  OpEvent event;
  event.kind = OpKind::kWrite;
  event.start_ns = 1000;
  event.end_ns = 2000;
  event.pid = 42;
  event.tid = 43;
  event.ino = 7;
  event.path = "/ram.img";
  event.fh = 3;
  event.offset = 1u << 20;
  event.length = data.size();
  event.flags = 0x4001;
  event.result = static_cast<std::int64_t>(data.size());
  event.data = data;
  return event;
}

std::unique_ptr<LogWriter> g_writer;  // shared by the threads of one benchmark run

void BM_WriterOnOp(benchmark::State& state) {
  const auto data_size = static_cast<std::size_t>(state.range(0));
  const bool keep_data = state.range(2) != 0;
  std::vector<std::byte> data(data_size, std::byte{0x5a});
  OpEvent event = SampleEvent(data);
  event.tid = static_cast<std::uint32_t>(state.thread_index());
  if (state.thread_index() == 0) {
    LogWriterOptions options;
    options.buffer_bytes = static_cast<std::size_t>(state.range(1)) << 10;
    auto writer = LogWriter::Open("/dev/null", {"strict-4k", 1u << 20, keep_data}, options);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().ToString().c_str());
      return;
    }
    g_writer = std::move(*writer);
  }
  for (auto _ : state) g_writer->OnOp(event);
  if (state.thread_index() == 0) {
    if (!g_writer->Close().ok()) state.SkipWithError("writer close failed");
    g_writer.reset();
  }
  const auto frame = static_cast<double>(RecordFrameSize(event, keep_data));
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_record"] = benchmark::Counter(frame, benchmark::Counter::kAvgThreads);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame));
}

// Baseline: the cheapest conceivable logger, a memcpy of the already encoded
// record into a private buffer (no hash, no lock, no I/O).
void BM_BaselineMemcpy(benchmark::State& state) {
  const auto data_size = static_cast<std::size_t>(state.range(0));
  const bool keep_data = data_size > 0;
  std::vector<std::byte> data(data_size, std::byte{0x5a});
  const OpEvent event = SampleEvent(data);
  std::vector<std::byte> frame(RecordFrameSize(event, keep_data));
  EncodeRecordFrame(event, 1, HashData(data), keep_data, frame.data());
  std::vector<std::byte> buffer(kBaselineBuffer);
  std::size_t used = 0;
  for (auto _ : state) {
    if (used + frame.size() > buffer.size()) used = 0;
    std::memcpy(buffer.data() + used, frame.data(), frame.size());
    used += frame.size();
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_record"] =
      benchmark::Counter(static_cast<double>(frame.size()), benchmark::Counter::kAvgThreads);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

BENCHMARK(BM_BaselineMemcpy)->ArgName("payload")->Arg(0)->Arg(4096)->Threads(1)->Threads(4)->UseRealTime();
// Args: payload bytes, writer buffer KiB (4096 is the default), payload kept as data.
BENCHMARK(BM_WriterOnOp)
    ->ArgNames({"payload", "buffer_KiB", "keep_data"})
    ->ArgsProduct({{0}, {1024, 4096}, {0}})
    ->ArgsProduct({{4096}, {1024, 4096}, {0, 1}})
    ->Threads(1)
    ->Threads(4)
    ->UseRealTime();

}  // namespace
}  // namespace diofs::oplog

BENCHMARK_MAIN();
