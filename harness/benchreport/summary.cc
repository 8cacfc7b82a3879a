#include "harness/benchreport/summary.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dioh::benchreport {

std::string FormatFixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string FormatMiBps(double bytes_per_second) {
  if (bytes_per_second <= 0) return "-";
  return FormatFixed(bytes_per_second / (1 << 20), bytes_per_second < (10 << 20) ? 1 : 0);
}

std::string FormatRatio(double numerator, double denominator) {
  if (numerator <= 0 || denominator <= 0) return "-";
  return FormatFixed(numerator / denominator, 2);
}

std::string FormatSize(const std::string& bytes) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(bytes.c_str(), &end, 10);
  if (end == bytes.c_str() || *end != '\0') return bytes;
  if (value >= (1ull << 20) && value % (1ull << 20) == 0) return std::to_string(value >> 20) + " MiB";
  if (value >= 1024 && value % 1024 == 0) return std::to_string(value >> 10) + " KiB";
  return std::to_string(value) + " B";
}

Goal CheckGoal(std::string text, std::optional<double> value, double threshold, bool at_least, int decimals) {
  Goal goal;
  goal.text = std::move(text);
  goal.value = value;
  goal.threshold = threshold;
  if (!value) {
    goal.verdict = "not measured";
    return goal;
  }
  const std::string measured = FormatFixed(*value, decimals), limit = FormatFixed(threshold, decimals);
  goal.met = at_least ? *value >= threshold : *value <= threshold;
  const char* relation = at_least ? (goal.met ? ">=" : "<") : (goal.met ? "<=" : ">");
  goal.verdict = goal.met ? "met: " + measured + " " + relation + " " + limit
                          : "missed by " + FormatFixed(std::fabs(*value - threshold), decimals) + " (" + measured +
                                " " + relation + " " + limit + ")";
  return goal;
}

namespace {

std::string Percent(double cv) { return FormatFixed(cv * 100, cv < 0.1 ? 1 : 0) + " %"; }

// For a miss: whether it is within `noise` (in the goal's units).
void AddMissNoise(Goal& goal, double noise) {
  if (goal.met) return;
  const double miss = std::fabs(goal.threshold - *goal.value);
  goal.noise += std::string(miss <= noise ? ": the miss is within" : ": the miss is beyond") + " that noise (+/- " +
                FormatFixed(noise, 2) + ")";
}

}  // namespace

double RatioNoise(const BenchRun* a, const BenchRun* b) {
  if (a == nullptr || b == nullptr || !a->cv || !b->cv) return 0;
  return std::sqrt(*a->cv * *a->cv + *b->cv * *b->cv);
}

void NoteNoise(Goal& goal, const BenchRun* a, const BenchRun* b, double value_per_ratio) {
  if (!goal.value || a == nullptr || b == nullptr || !a->cv || !b->cv) return;
  goal.noise = "cv of the two figures " + Percent(*a->cv) + " and " + Percent(*b->cv);
  AddMissNoise(goal, std::fabs(value_per_ratio) * std::sqrt(*a->cv * *a->cv + *b->cv * *b->cv));
}

void NoteRatioNoise(Goal& goal, double ratio_cv, double value_per_ratio) {
  if (!goal.value) return;
  goal.noise = "cv of the paired ratio " + Percent(ratio_cv);
  AddMissNoise(goal, std::fabs(value_per_ratio) * ratio_cv);
}

BenchSummary Summarize(const std::vector<BenchFile>& files, const std::vector<HarnessWallTime>& harness) {
  BenchSummary summary;
  std::vector<BenchRun> runs;
  for (const BenchFile& file : files) {
    summary.machines.push_back(file.context);
    runs.insert(runs.end(), file.runs.begin(), file.runs.end());
  }
  AddFsTables(runs, summary);
  AddEngineTables(runs, summary);
  AddLogWriterTable(runs, summary);
  AddWritePathTable(runs, summary);
  AddHarnessTable(harness, summary);
  return summary;
}

}  // namespace dioh::benchreport
