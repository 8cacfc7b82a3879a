// BenchSummary as Markdown (results/bench/summary.md) and as an SVG bar chart
// of its ratios (results/bench/summary.svg).
#pragma once

#include <string>

#include "harness/benchreport/summary.h"

namespace dioh::benchreport {

// `chart_file`: the SVG the Markdown links to ("summary.svg"), or "" for none.
std::string RenderMarkdown(const BenchSummary& summary, const std::string& chart_file);

// Horizontal bars, one per RatioBar, grouped, with a line at 1.0.
std::string RenderRatioChartSvg(const BenchSummary& summary);

}  // namespace dioh::benchreport
