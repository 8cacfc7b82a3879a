// What the op log adds to a FUSE write before its reply can be sent: the
// time OnOp takes for a 1 MiB write record, with the payload hashed inside
// OnOp (no AfterReply: the hash is on the reply path) against the hash
// postponed to an AfterReply (what the FUSE adapter does), measured in the
// same run. The postponed work still runs, outside the timed region, so the
// writer sees the same records either way. Output to /dev/null. (With the
// mem backend and no --log-data, neither applies: the backend hashes while
// it copies, see diofs_write_path_benchmark; this is the passthrough path.)
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "fs/oplog/log_writer.h"

namespace diofs::oplog {
namespace {

void BM_ReplyPath(benchmark::State& state) {
  const bool postponed = state.range(0) != 0;
  std::vector<std::byte> data(std::size_t{1} << 20, std::byte{0x5a});
  auto writer = LogWriter::Open("/dev/null", {"strict-4k", 1u << 20, false});
  if (!writer.ok()) {
    state.SkipWithError(writer.status().ToString().c_str());
    return;
  }
  OpEvent event;
  event.kind = OpKind::kWrite;
  event.path = "/ram.img";
  event.length = data.size();
  event.result = static_cast<std::int64_t>(data.size());
  event.data = data;
  for (auto _ : state) {
    AfterReply after_reply;
    event.after_reply = postponed ? &after_reply : nullptr;
    (*writer)->OnOp(event);  // the reply could go now
    state.PauseTiming();
    after_reply.Run();
    state.ResumeTiming();
  }
  if (!(*writer)->Close().ok()) state.SkipWithError("writer close failed");
  state.SetLabel(postponed ? "hash after the reply" : "hash before the reply");
  state.SetItemsProcessed(state.iterations());
}

// Arg: 0 = hash in OnOp (baseline), 1 = hash postponed to the AfterReply.
BENCHMARK(BM_ReplyPath)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace diofs::oplog

BENCHMARK_MAIN();
