// The content of results/bench/summary.md before it is rendered: the machine
// the figures come from, tables of measured figures and ratios, the goals of
// issue 9 with met/missed, and the ratios drawn in summary.svg.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/benchreport/bench_results.h"

namespace dioh::benchreport {

// A goal the issue sets, checked against a measured ratio.
struct Goal {
  std::string text;             // "diofs reaches at least 50 % of tmpfs on 1 MiB O_DIRECT writes"
  std::optional<double> value;  // the measured figure, absent when not measured
  double threshold = 0;
  bool met = false;
  std::string verdict;  // "met: 0.62 >= 0.50" / "missed by 0.08 (0.42 < 0.50)" / "not measured"
  // How noisy the two figures behind the value were, and whether a miss is
  // within that noise (NoteNoise); empty without repetitions.
  std::string noise;
};

struct Table {
  std::string title;
  std::string note;  // what the figures are (units, baseline)
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<Goal> goals;  // stated under the table
};

// One bar of the chart: a ratio, 1.0 = as fast as its baseline.
struct RatioBar {
  std::string group;  // the table it belongs to
  std::string label;
  double ratio = 0;
  double noise = 0;               // the ratio's relative noise from the repetitions (RatioNoise); 0 = none
  bool higher_is_better = true;   // a ratio of rates; false for a ratio of times
  std::optional<double> goal{};   // the group's goal on the ratio, when it has one
};

// sqrt(cv_a^2 + cv_b^2): the relative noise of a / b from their repetitions;
// 0 when either has none.
double RatioNoise(const BenchRun* a, const BenchRun* b);

struct BenchSummary {
  std::vector<BenchContext> machines;  // one per JSON file
  std::vector<Table> tables;
  std::vector<RatioBar> bars;
};

// Wall time of a harness run (the top-level "wall_seconds" of its report.json).
struct HarnessWallTime {
  std::string name;  // "matrix", "regress"
  double wall_seconds = 0;
};

// Builds every table whose runs are present; files without them add none.
BenchSummary Summarize(const std::vector<BenchFile>& files, const std::vector<HarnessWallTime>& harness);

// Helpers shared by the table builders (summary_format.cc).
std::string FormatFixed(double value, int decimals);
std::string FormatMiBps(double bytes_per_second);
std::string FormatRatio(double numerator, double denominator);  // "-" when a side is missing
std::string FormatSize(const std::string& bytes);               // "4096" -> "4 KiB"
// A goal "value >= threshold" (at_least) or "value <= threshold".
Goal CheckGoal(std::string text, std::optional<double> value, double threshold, bool at_least, int decimals = 2);

// Adds to `goal` the cv of the two figures its value comes from, and for a
// miss whether it is within their noise: the value's noise is taken as
// `value_per_ratio` x the ratio's relative noise sqrt(cv_a^2 + cv_b^2)
// (the ratio itself for a ratio goal, 100 x the ratio for a cost in %).
void NoteNoise(Goal& goal, const BenchRun* a, const BenchRun* b, double value_per_ratio);
// The same for a ratio measured as one figure (a paired benchmark's ratio
// counter) whose repetitions' cv is `ratio_cv`.
void NoteRatioNoise(Goal& goal, double ratio_cv, double value_per_ratio);

// The table builders, one per part (fs_tables.cc, engine_tables.cc, other_tables.cc).
void AddFsTables(const std::vector<BenchRun>& runs, BenchSummary& summary);
void AddEngineTables(const std::vector<BenchRun>& runs, BenchSummary& summary);
void AddLogWriterTable(const std::vector<BenchRun>& runs, BenchSummary& summary);
void AddWritePathTable(const std::vector<BenchRun>& runs, BenchSummary& summary);
void AddHarnessTable(const std::vector<HarnessWallTime>& harness, BenchSummary& summary);

}  // namespace dioh::benchreport
