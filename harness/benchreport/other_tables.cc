// Tables of oplog_writer_benchmark (the log writer alone), of
// diofs_write_path_benchmark (the payload hash on the mem backend's write
// path) and of the harness runs' wall times.
#include "harness/benchreport/summary.h"

namespace dioh::benchreport {
namespace {

std::string Param(const BenchRun& run, const char* key) {
  const auto it = run.params.find(key);
  return it == run.params.end() ? std::string() : it->second;
}

double Counter(const BenchRun& run, const char* key) {
  const auto it = run.counters.find(key);
  return it == run.counters.end() ? 0 : it->second;
}

}  // namespace

void AddLogWriterTable(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "op log writer alone";
  t.note = "records/s through LogWriter::OnOp (output to /dev/null) and bytes per record, against a memcpy of the "
           "same encoded record bytes (the cheapest conceivable logger) measured in the same run. A payload that "
           "is not kept is only hashed (diofs --log); kept, it is stored (--log-data).";
  t.header = {"payload", "kept", "buffer KiB", "threads", "records/s", "bytes/record", "memcpy records/s",
              "writer / memcpy"};
  for (const BenchRun& run : runs) {
    if (run.path != std::vector<std::string>{"BM_WriterOnOp"}) continue;
    const std::string payload = Param(run, "payload"), kept = Param(run, "keep_data"),
                      threads = Param(run, "threads");
    // The baseline frame holds the payload only when the writer keeps it.
    const BenchRun* baseline =
        FindRun(runs, {"BM_BaselineMemcpy"}, {{"payload", kept == "1" ? payload : "0"}, {"threads", threads}});
    const double baseline_rate = baseline ? baseline->items_per_second : 0;
    t.rows.push_back({FormatSize(payload), kept == "1" ? "yes" : "no", Param(run, "buffer_KiB"), threads,
                      FormatFixed(run.items_per_second, 0), FormatFixed(Counter(run, "bytes_per_record"), 0),
                      baseline_rate > 0 ? FormatFixed(baseline_rate, 0) : "-",
                      FormatRatio(run.items_per_second, baseline_rate)});
  }
  if (!t.rows.empty()) summary.tables.push_back(std::move(t));
}

void AddWritePathTable(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "op log hash on the mem backend's write path";
  t.note = "Time of one MemFile::WriteAt (no mount, one thread) by how the op log's XXH3 payload hash is done: "
           "none (log off), in a pass of its own after the copy (how diofs hashed before PayloadCopier), or while "
           "copying (PayloadCopier, what diofs does now); each against the copy alone, same run.";
  t.header = {"size", "copy us", "copy then hash us", "then-hash / copy", "copy-and-hash us", "and-hash / copy"};
  for (const BenchRun& run : runs) {
    if (run.path.size() != 3 || run.path[0] != "BM_MemWrite" || run.path[1] != "copy") continue;
    const std::string& size = run.path[2];
    const BenchRun* separate = FindRun(runs, {"BM_MemWrite", "copy_then_hash", size});
    const BenchRun* fused = FindRun(runs, {"BM_MemWrite", "copy_and_hash", size});
    const auto us = [](const BenchRun* r) { return r ? FormatFixed(r->real_time_ns / 1000, 1) : std::string("-"); };
    const double copy_ns = run.real_time_ns;
    t.rows.push_back({FormatSize(size), us(&run), us(separate), FormatRatio(separate ? separate->real_time_ns : 0, copy_ns),
                      us(fused), FormatRatio(fused ? fused->real_time_ns : 0, copy_ns)});
    if (fused && copy_ns > 0) {
      // Times, not rates: here lower is better.
      summary.bars.push_back({"write path / copy", "copy-and-hash " + FormatSize(size), fused->real_time_ns / copy_ns,
                              RatioNoise(fused, &run), false, std::nullopt});
    }
    if (separate && copy_ns > 0) {
      summary.bars.push_back({"write path / copy", "copy then hash " + FormatSize(size), separate->real_time_ns / copy_ns,
                              RatioNoise(separate, &run), false, std::nullopt});
    }
  }
  if (!t.rows.empty()) summary.tables.push_back(std::move(t));
}

void AddHarnessTable(const std::vector<HarnessWallTime>& harness, BenchSummary& summary) {
  if (harness.empty()) return;
  Table t;
  t.title = "harness wall time";
  t.note = "The top-level \"wall_seconds\" of results/<run>/report.json.";
  t.header = {"run", "wall seconds"};
  for (const HarnessWallTime& run : harness) t.rows.push_back({run.name, FormatFixed(run.wall_seconds, 1)});
  summary.tables.push_back(std::move(t));
}

}  // namespace dioh::benchreport
