// Tables of mrm_engine_bench: channel scaling of save and load, tmpfs against diofs.
#include <optional>

#include "harness/benchreport/summary.h"

namespace dioh::benchreport {
namespace {

const char* const kOps[] = {"save", "load"};
const char* const kTargets[] = {"tmpfs", "diofs"};
const char* const kDirectIo[] = {"0", "1"};
const char* const kChannels[] = {"1", "2", "4"};

double Rate(const std::vector<BenchRun>& runs, const char* op, const char* target, const char* direct_io,
            const char* channels) {
  const BenchRun* run = FindRun(runs, {op, target}, {{"direct_io", direct_io}, {"channels", channels}});
  return run ? run->bytes_per_second : 0;
}

std::optional<double> Ratio(double numerator, double denominator) {
  if (numerator <= 0 || denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

std::string DirectIoName(const char* direct_io) { return direct_io[0] == '1' ? "on" : "off"; }

Table ChannelScaling(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "engine: multifd channel scaling";
  t.note = "MiB/s of guest RAM (1 GiB, 50 % zero pages) saved or loaded in process, one SaveMigration/"
           "LoadMigration per repetition; diofs is strict-4k, mem backend, op log off, --direct-io-all (as dioharness mounts it for migrations).";
  t.header = {"op", "target", "direct-io", "1 ch", "2 ch", "4 ch", "2 ch / 1 ch", "4 ch / 1 ch"};
  for (const char* op : kOps) {
    for (const char* target : kTargets) {
      for (const char* dio : kDirectIo) {
        const double one = Rate(runs, op, target, dio, "1"), two = Rate(runs, op, target, dio, "2"),
                     four = Rate(runs, op, target, dio, "4");
        if (one <= 0 && two <= 0 && four <= 0) continue;
        t.rows.push_back({op, target, DirectIoName(dio), FormatMiBps(one), FormatMiBps(two), FormatMiBps(four),
                          FormatRatio(two, one), FormatRatio(four, one)});
        const std::string label = std::string(op) + " " + target + " dio " + DirectIoName(dio);
        const auto run = [&](const char* channels) {
          return FindRun(runs, {op, target}, {{"direct_io", dio}, {"channels", channels}});
        };
        if (const auto r = Ratio(two, one)) {
          summary.bars.push_back({"engine 2 ch / 1 ch", label, *r, RatioNoise(run("2"), run("1")), true, 1.0});
        }
        if (const auto r = Ratio(four, one)) {
          summary.bars.push_back({"engine 4 ch / 1 ch", label, *r, RatioNoise(run("4"), run("1")), true, std::nullopt});
        }
      }
    }
  }
  for (const char* dio : kDirectIo) {
    const std::optional<double> ratio =
        Ratio(Rate(runs, "save", "tmpfs", dio, "2"), Rate(runs, "save", "tmpfs", dio, "1"));
    t.goals.push_back(CheckGoal("the engine's save to tmpfs scales from 1 to 2 channels (2 ch / 1 ch above 1.00), "
                                "direct-io " + DirectIoName(dio),
                                ratio, 1.0, true));
    NoteNoise(t.goals.back(), FindRun(runs, {"save", "tmpfs"}, {{"direct_io", dio}, {"channels", "2"}}),
              FindRun(runs, {"save", "tmpfs"}, {{"direct_io", dio}, {"channels", "1"}}), ratio.value_or(0));
  }
  return t;
}

Table TmpfsVsDiofs(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table t;
  t.title = "engine: diofs against tmpfs";
  t.note = "MiB/s of guest RAM; the same save or load to a file on tmpfs and on a diofs mount, same run.";
  t.header = {"op", "direct-io", "channels", "tmpfs", "diofs", "diofs / tmpfs"};
  for (const char* op : kOps) {
    for (const char* dio : kDirectIo) {
      for (const char* channels : kChannels) {
        const double tmpfs = Rate(runs, op, "tmpfs", dio, channels), diofs = Rate(runs, op, "diofs", dio, channels);
        if (tmpfs <= 0 && diofs <= 0) continue;
        t.rows.push_back({op, DirectIoName(dio), channels, FormatMiBps(tmpfs), FormatMiBps(diofs),
                          FormatRatio(diofs, tmpfs)});
        if (const auto r = Ratio(diofs, tmpfs)) {
          summary.bars.push_back({"engine diofs / tmpfs",
                                  std::string(op) + " dio " + DirectIoName(dio) + " " + channels + " ch", *r,
                                  RatioNoise(FindRun(runs, {op, "diofs"}, {{"direct_io", dio}, {"channels", channels}}),
                                             FindRun(runs, {op, "tmpfs"}, {{"direct_io", dio}, {"channels", channels}})),
                                  true, std::nullopt});
        }
      }
    }
  }
  return t;
}

}  // namespace

void AddEngineTables(const std::vector<BenchRun>& runs, BenchSummary& summary) {
  Table scaling = ChannelScaling(runs, summary);
  if (scaling.rows.empty()) return;
  summary.tables.push_back(std::move(scaling));
  summary.tables.push_back(TmpfsVsDiofs(runs, summary));
}

}  // namespace dioh::benchreport
