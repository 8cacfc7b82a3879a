// `dioharness bench-report` without the files: Google Benchmark JSON texts
// (results/bench/*.json) and harness reports in, summary.md and summary.svg
// texts out. Pure: the CLI edge reads and writes the files.
#pragma once

#include <string>
#include <vector>

#include "common/status/status.h"

namespace dioh::benchreport {

struct NamedText {
  std::string name;  // a file name ("diofs_io_bench.json") or a run name ("matrix")
  std::string text;
};

struct BenchReportInputs {
  std::vector<NamedText> benchmark_json;   // Google Benchmark JSON, one per binary
  std::vector<NamedText> harness_reports;  // report.json of a harness run, named by the run
  // Markdown appended to summary.md as it is, in order, each under a line
  // naming its file: the profiles of `make profile` (profiles/PROFILE.md) and
  // the reading of them (ANALYSIS.md), which say what bounds each figure.
  std::vector<NamedText> appendices;
};

struct BenchReportOutput {
  std::string markdown;
  std::string svg;
  std::vector<std::string> notes;  // inputs that contributed nothing, and why
};

// An error names the input that is not what it must be (invalid JSON, not
// Google Benchmark JSON, a harness report whose wall_seconds is not a number).
dioh::Result<BenchReportOutput> BuildBenchReport(const BenchReportInputs& inputs,
                                                 const std::string& chart_file = "summary.svg");

}  // namespace dioh::benchreport
