#include "harness/benchreport/bench_report.h"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "harness/benchreport/bench_results.h"
#include "harness/benchreport/render.h"
#include "harness/benchreport/summary.h"

namespace dioh::benchreport {

dioh::Result<BenchReportOutput> BuildBenchReport(const BenchReportInputs& inputs, const std::string& chart_file) {
  BenchReportOutput output;
  std::vector<BenchFile> files;
  for (const NamedText& input : inputs.benchmark_json) {
    auto file = ParseBenchJson(input.name, input.text);
    if (!file.ok()) return file.status();
    if (file->runs.empty()) output.notes.push_back(input.name + ": no successful benchmark runs");
    files.push_back(std::move(*file));
  }
  std::vector<HarnessWallTime> harness;
  for (const NamedText& input : inputs.harness_reports) {
    const auto report = nlohmann::json::parse(input.text, nullptr, /*allow_exceptions=*/false);
    if (report.is_discarded() || !report.is_object()) {
      return dioh::Status::Error(EINVAL, input.name + " report: not a JSON object");
    }
    const auto wall = report.find("wall_seconds");
    if (wall == report.end()) {
      output.notes.push_back(input.name + " report: no \"wall_seconds\" field, left out");
      continue;
    }
    if (!wall->is_number()) return dioh::Status::Error(EINVAL, input.name + " report: \"wall_seconds\" is not a number");
    harness.push_back({input.name, wall->get<double>()});
  }
  const BenchSummary summary = Summarize(files, harness);
  output.markdown = RenderMarkdown(summary, chart_file);
  for (const NamedText& appendix : inputs.appendices) {
    output.markdown += "\n<!-- from " + appendix.name + " -->\n\n" + appendix.text;
    if (!appendix.text.empty() && appendix.text.back() != '\n') output.markdown += "\n";
  }
  output.svg = RenderRatioChartSvg(summary);
  return output;
}

}  // namespace dioh::benchreport
