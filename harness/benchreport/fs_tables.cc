// Tables of diofs_io_bench: diofs against tmpfs and against libfuse's
// passthrough_ll (separate and paired runs), the op log's cost (separate and
// paired runs), 4 KiB ops/s. Where the paired runs are present, the goals are
// judged on them: their ratio compares writes timed side by side.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "harness/benchreport/summary.h"

namespace dioh::benchreport {
namespace {

const char* const kAccesses[] = {"odirect_write", "odirect_read", "buffered_write"};
constexpr const char* kOneMiB = "1048576";
constexpr const char* kFourKiB = "4096";

struct FsPoint {
  std::string access, size, threads;
};

// Every (access, size, threads) measured on tmpfs or diofs, in run order.
std::vector<FsPoint> Points(const std::vector<BenchRun>& runs) {
  std::vector<FsPoint> points;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const char* access : kAccesses) {
    for (const BenchRun& run : runs) {
      if (run.path.size() != 3 || run.path[0] != access) continue;
      const std::string& threads = run.params.at("threads");
      if (seen.insert({access, run.path[2], threads}).second) points.push_back({access, run.path[2], threads});
    }
  }
  return points;
}

const BenchRun* Find(const std::vector<BenchRun>& runs, const FsPoint& p, const char* target) {
  return FindRun(runs, {p.access, target, p.size}, {{"threads", p.threads}});
}

double Rate(const std::vector<BenchRun>& runs, const FsPoint& p, const char* target) {
  const BenchRun* run = Find(runs, p, target);
  return run ? run->bytes_per_second : 0;
}

double Ops(const std::vector<BenchRun>& runs, const FsPoint& p, const char* target) {
  const BenchRun* run = FindRun(runs, {p.access, target, p.size}, {{"threads", p.threads}});
  return run ? run->items_per_second : 0;
}

std::optional<double> Ratio(double numerator, double denominator) {
  if (numerator <= 0 || denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

std::string Label(const FsPoint& p) {
  return p.access + " " + FormatSize(p.size) + " x" + p.threads;
}

// A bar of a ratio of rates (higher is better) with its noise and the group's goal.
void AddBar(BenchSummary& summary, const char* group, std::string label, std::optional<double> ratio, double noise,
            std::optional<double> goal) {
  if (ratio) summary.bars.push_back({group, std::move(label), *ratio, noise, true, goal});
}

// The log's goal, a cost of at most 3 %, as a ratio of rates.
constexpr double kLogRatioGoal = 0.97;

std::string Threads(const char* threads) { return std::string(threads) + (threads[0] == '1' ? " thread" : " threads"); }

// A user counter of `counters` (or of counter_cvs), if the run has it.
std::optional<double> CounterOf(const std::map<std::string, double>& counters, const char* key) {
  const auto it = counters.find(key);
  return it == counters.end() ? std::nullopt : std::optional<double>(it->second);
}

Table DiofsVsTmpfs(const std::vector<BenchRun>& runs, const std::vector<FsPoint>& points, BenchSummary& summary) {
  Table t;
  t.title = "diofs against tmpfs";
  t.note = "MiB/s (median of the repetitions), diofs with the op log off (strict-4k, mem backend); "
           "tmpfs (/dev/shm) is the limit on this machine, measured in the same run.";
  t.header = {"access", "size", "threads", "tmpfs MiB/s", "diofs MiB/s", "diofs / tmpfs"};
  for (const FsPoint& p : points) {
    const double tmpfs = Rate(runs, p, "tmpfs"), diofs = Rate(runs, p, "diofs_log_off");
    t.rows.push_back({p.access, FormatSize(p.size), p.threads, FormatMiBps(tmpfs), FormatMiBps(diofs),
                      FormatRatio(diofs, tmpfs)});
    if (p.size == kOneMiB) {
      AddBar(summary, "diofs / tmpfs", Label(p), Ratio(diofs, tmpfs),
             RatioNoise(Find(runs, p, "diofs_log_off"), Find(runs, p, "tmpfs")), 0.5);
    }
  }
  for (const char* threads : {"1", "4"}) {
    const FsPoint p{"odirect_write", kOneMiB, threads};
    const std::optional<double> ratio = Ratio(Rate(runs, p, "diofs_log_off"), Rate(runs, p, "tmpfs"));
    t.goals.push_back(
        CheckGoal("diofs reaches at least 50 % of tmpfs on 1 MiB O_DIRECT writes, " + Threads(threads), ratio, 0.5, true));
    NoteNoise(t.goals.back(), Find(runs, p, "diofs_log_off"), Find(runs, p, "tmpfs"), ratio.value_or(0));
  }
  return t;
}

constexpr const char* kPeer = "passthrough_ll";

// diofs as the harness mounts it (op log on) against libfuse's low-level
// passthrough example over tmpfs with caching off: what a FUSE request costs
// in another daemon.
const char* const kPeerGoal = "diofs (log on) matches passthrough_ll on ";

std::string PeerGoal(const char* size, const char* threads) {
  return kPeerGoal + FormatSize(size) + " O_DIRECT writes, " + Threads(threads);
}

Table DiofsVsPeer(const std::vector<BenchRun>& runs, const std::vector<FsPoint>& points, BenchSummary& summary,
                  bool paired_present) {
  Table t;
  t.title = "diofs against libfuse's passthrough_ll";
  t.note = "O_DIRECT writes, ops/s (median of the repetitions); the peer is passthrough_ll from Debian's "
           "libfuse3-dev examples, built with -O2, over a tmpfs folder with cache=never; diofs with the op log on "
           "(as dioharness mounts it) and off; each thread writes its own file.";
  t.header = {"size", "threads", "passthrough_ll ops/s", "diofs log on ops/s", "diofs log off ops/s",
              "log on / peer", "log off / peer"};
  for (const FsPoint& p : points) {
    if (p.access != "odirect_write") continue;
    const double peer = Ops(runs, p, kPeer), on = Ops(runs, p, "diofs_log_on"), off = Ops(runs, p, "diofs_log_off");
    if (peer <= 0) continue;
    auto ops = [](double v) { return v > 0 ? FormatFixed(v, 0) : std::string("-"); };
    t.rows.push_back({FormatSize(p.size), p.threads, ops(peer), ops(on), ops(off), FormatRatio(on, peer),
                      FormatRatio(off, peer)});
    if (p.size == kOneMiB || p.size == kFourKiB) {
      AddBar(summary, "diofs (log on) / passthrough_ll", FormatSize(p.size) + " x" + p.threads, Ratio(on, peer),
             RatioNoise(Find(runs, p, "diofs_log_on"), Find(runs, p, kPeer)), 1.0);
    }
  }
  if (t.rows.empty() || paired_present) return t;  // with paired runs, judged there (PairedPeer)
  for (const char* size : {kFourKiB, kOneMiB}) {
    for (const char* threads : {"1", "4"}) {
      const FsPoint p{"odirect_write", size, threads};
      const std::optional<double> ratio = Ratio(Ops(runs, p, "diofs_log_on"), Ops(runs, p, kPeer));
      t.goals.push_back(CheckGoal(PeerGoal(size, threads), ratio, 1.0, true));
      NoteNoise(t.goals.back(), Find(runs, p, "diofs_log_on"), Find(runs, p, kPeer), ratio.value_or(0));
    }
  }
  return t;
}

// diofs_io_bench's paired peer benchmarks: diofs (log on) and
// passthrough_ll, both mounted afresh for each repetition, one write to each
// per iteration; the goals against the peer are judged on their ratio, once
// where every write replaces data and once where every write is a block's
// first.
struct PairedPeerBench {
  const char* name;
  const char* writes;  // the table's column
  const char* goal;    // what the goal adds to the size
  const char* bars;    // the summary's bar group
  std::vector<const char*> sizes;
};
const std::vector<PairedPeerBench>& PairedPeerBenches() {
  static const std::vector<PairedPeerBench> kBenches = {
      {"paired_peer_odirect_overwrite", "overwrite", " overwriting data",
       "diofs (log on) / passthrough_ll, paired, overwrite", {kFourKiB, kOneMiB}},
      {"paired_peer_odirect_append", "append", " to new blocks", "diofs (log on) / passthrough_ll, paired, append",
       {kFourKiB}},
  };
  return kBenches;
}

Table PairedPeer(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "diofs against passthrough_ll, paired writes";
  t.note = "diofs_io_bench's paired_peer_odirect_overwrite and _append: each iteration writes one block to diofs "
           "(op log on) and one to passthrough_ll, alternately, timing each write alone, both daemons mounted afresh "
           "for each repetition; overwrite: into a 16 MiB window per thread written once before the timed loop; "
           "append: each block after the last, where no data was. us per write (median of the repetitions) and the "
           "ratio of throughputs with its cv over the repetitions. The goals against the peer are judged here.";
  t.header = {"writes", "size", "threads", "passthrough_ll us", "diofs us", "diofs / peer", "cv of diofs / peer"};
  for (const PairedPeerBench& bench : PairedPeerBenches()) {
    for (const char* size : bench.sizes) {
      for (const char* threads : {"1", "4"}) {
        const BenchRun* run = FindRun(runs, {bench.name, size}, {{"threads", threads}});
        std::optional<double> ratio, ratio_cv;
        if (run != nullptr) {
          const auto counter = [run](const char* key) { return CounterOf(run->counters, key).value_or(0); };
          ratio = CounterOf(run->counters, "diofs_over_peer");
          ratio_cv = CounterOf(run->counter_cvs, "diofs_over_peer");
          t.rows.push_back({bench.writes, FormatSize(size), threads, FormatFixed(counter("passthrough_ll_us"), 1),
                            FormatFixed(counter("diofs_log_on_us"), 1), ratio ? FormatFixed(*ratio, 3) : "-",
                            ratio_cv ? FormatFixed(*ratio_cv * 100, 1) + " %" : "-"});
          AddBar(summary, bench.bars,
                 FormatSize(size) + " x" + threads, Ratio(ratio.value_or(0), 1), ratio_cv.value_or(0), 1.0);
        }
        if (ratio && *ratio <= 0) ratio.reset();
        t.goals.push_back(CheckGoal(kPeerGoal + FormatSize(size) + " O_DIRECT writes" + bench.goal + ", " +
                                        Threads(threads),
                                    ratio, 1.0, true));
        if (ratio && ratio_cv) NoteRatioNoise(t.goals.back(), *ratio_cv, *ratio);
      }
    }
  }
  return t;
}

constexpr const char* kPairedLog = "paired_log_odirect_write";

const char* const kLogGoal = "the op log costs at most 3 % on 1 MiB O_DIRECT writes (cost in %), ";

Table LogCost(const std::vector<BenchRun>& runs, const std::vector<FsPoint>& points, BenchSummary& summary,
              bool paired_present) {
  Table t;
  t.title = "op log cost through diofs";
  t.note = "MiB/s through diofs with the op log off, on (--log) and on with data (--log-data), same run.";
  t.header = {"access", "size", "threads", "log off", "log on", "on / off", "log-data", "log-data / off"};
  for (const FsPoint& p : points) {
    const double off = Rate(runs, p, "diofs_log_off"), on = Rate(runs, p, "diofs_log_on"),
                 data = Rate(runs, p, "diofs_log_data");
    t.rows.push_back({p.access, FormatSize(p.size), p.threads, FormatMiBps(off), FormatMiBps(on),
                      FormatRatio(on, off), FormatMiBps(data), FormatRatio(data, off)});
    if (p.size == kOneMiB) {
      const BenchRun* off_run = Find(runs, p, "diofs_log_off");
      AddBar(summary, "log on / off", Label(p), Ratio(on, off), RatioNoise(Find(runs, p, "diofs_log_on"), off_run),
             kLogRatioGoal);
      AddBar(summary, "log-data / off", Label(p), Ratio(data, off), RatioNoise(Find(runs, p, "diofs_log_data"), off_run),
             std::nullopt);
    }
  }
  if (paired_present) return t;  // the goal is judged on the paired runs (PairedLogCost)
  for (const char* threads : {"1", "4"}) {
    const FsPoint p{"odirect_write", kOneMiB, threads};
    const std::optional<double> ratio = Ratio(Rate(runs, p, "diofs_log_on"), Rate(runs, p, "diofs_log_off"));
    std::optional<double> cost_percent;
    if (ratio) cost_percent = (1.0 - *ratio) * 100.0;
    t.goals.push_back(CheckGoal(kLogGoal + Threads(threads), cost_percent, 3.0, false, 1));
    NoteNoise(t.goals.back(), Find(runs, p, "diofs_log_on"), Find(runs, p, "diofs_log_off"), ratio.value_or(0) * 100);
  }
  return t;
}

Table PairedLogCost(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "op log cost, paired writes";
  t.note = "diofs_io_bench's " + std::string(kPairedLog) +
           ": each iteration writes one block to diofs with the log off and one to diofs with it on, alternately, "
           "timing each write alone, so that both see the same load, both daemons mounted afresh for each "
           "repetition; us per write (median of the repetitions) and "
           "the ratio of throughputs with its cv over the repetitions. The goal on the log's cost is judged here.";
  t.header = {"size", "threads", "log off us", "log on us", "on / off", "cv of on / off"};
  for (const BenchRun& run : runs) {
    if (run.path.size() != 2 || run.path[0] != kPairedLog) continue;
    const auto counter = [&run](const char* key) { return CounterOf(run.counters, key).value_or(0); };
    const std::optional<double> cv = CounterOf(run.counter_cvs, "log_on_over_off");
    const std::string& threads = run.params.at("threads");
    t.rows.push_back({FormatSize(run.path[1]), threads, FormatFixed(counter("diofs_log_off_us"), 0),
                      FormatFixed(counter("diofs_log_on_us"), 0), FormatFixed(counter("log_on_over_off"), 3),
                      cv ? FormatFixed(*cv * 100, 1) + " %" : "-"});
    if (run.path[1] == kOneMiB) {
      AddBar(summary, "log on / off, paired", "odirect_write 1 MiB x" + threads, Ratio(counter("log_on_over_off"), 1),
             cv.value_or(0), kLogRatioGoal);
    }
  }
  for (const char* threads : {"1", "4"}) {
    const BenchRun* run = FindRun(runs, {kPairedLog, kOneMiB}, {{"threads", threads}});
    std::optional<double> ratio, ratio_cv, cost_percent;
    if (run != nullptr) {
      ratio = CounterOf(run->counters, "log_on_over_off");
      ratio_cv = CounterOf(run->counter_cvs, "log_on_over_off");
    }
    if (ratio && *ratio > 0) cost_percent = (1.0 - *ratio) * 100.0;
    t.goals.push_back(CheckGoal(kLogGoal + Threads(threads), cost_percent, 3.0, false, 1));
    if (cost_percent && ratio_cv) NoteRatioNoise(t.goals.back(), *ratio_cv, *ratio * 100.0);
  }
  return t;
}

Table SmallOps(const std::vector<BenchRun>& runs, const std::vector<FsPoint>& points) {
  Table t;
  t.title = "4 KiB operations per second";
  t.note = "ops/s at 4 KiB; every thread works on its own file.";
  t.header = {"access", "threads", "tmpfs", "diofs log off", "diofs log on", "diofs log-data", "diofs / tmpfs"};
  for (const FsPoint& p : points) {
    if (p.size != kFourKiB) continue;
    const double tmpfs = Ops(runs, p, "tmpfs"), off = Ops(runs, p, "diofs_log_off");
    auto ops = [](double v) { return v > 0 ? FormatFixed(v, 0) : std::string("-"); };
    t.rows.push_back({p.access, p.threads, ops(tmpfs), ops(off), ops(Ops(runs, p, "diofs_log_on")),
                      ops(Ops(runs, p, "diofs_log_data")), FormatRatio(off, tmpfs)});
  }
  return t;
}

}  // namespace

void AddFsTables(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  const std::vector<FsPoint> points = Points(runs);
  const auto present = [&runs](const char* name) {
    return std::any_of(runs.begin(), runs.end(),
                       [name](const BenchRun& run) { return !run.path.empty() && run.path[0] == name; });
  };
  const bool paired_log = present(kPairedLog);
  const bool paired_peer = std::any_of(PairedPeerBenches().begin(), PairedPeerBenches().end(),
                                       [&](const PairedPeerBench& bench) { return present(bench.name); });
  if (!points.empty()) {
    summary.tables.push_back(DiofsVsTmpfs(runs, points, summary));
    if (Table peer = DiofsVsPeer(runs, points, summary, paired_peer); !peer.rows.empty()) {
      summary.tables.push_back(std::move(peer));
    }
  }
  if (paired_peer) summary.tables.push_back(PairedPeer(runs, summary));
  if (!points.empty()) summary.tables.push_back(LogCost(runs, points, summary, paired_log));
  if (paired_log) summary.tables.push_back(PairedLogCost(runs, summary));
  if (!points.empty()) summary.tables.push_back(SmallOps(runs, points));
}

}  // namespace dioh::benchreport
