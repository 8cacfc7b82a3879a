#include "harness/benchreport/bench_report.h"

#include <gtest/gtest.h>

#include "tests/harness/benchreport/bench_json.h"

namespace dioh::benchreport {
namespace {

using testing::kMiB;

BenchReportInputs Inputs() {
  BenchReportInputs inputs;
  inputs.benchmark_json.push_back(
      {"diofs_io_bench.json", testing::MakeBenchJson({{"odirect_write/tmpfs/1048576/real_time", 1, 1000 * kMiB},
                                                      {"odirect_write/diofs_log_off/1048576/real_time", 1, 450 * kMiB}})});
  return inputs;
}

TEST(BenchReport, JsonTextsInMarkdownAndSvgOut) {
  auto output = BuildBenchReport(Inputs());
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  EXPECT_NE(output->markdown.find("| odirect_write | 1 MiB | 1 | 1000 | 450 | 0.45 |"), std::string::npos)
      << output->markdown;
  EXPECT_NE(output->markdown.find("missed by 0.05 (0.45 < 0.50)"), std::string::npos);
  EXPECT_NE(output->markdown.find("![ratios](summary.svg)"), std::string::npos);
  EXPECT_NE(output->svg.find(">0.45 ± "), std::string::npos) << output->svg;  // its repetitions give a whisker
  EXPECT_TRUE(output->notes.empty());
}

TEST(BenchReport, HarnessWallTimesWhenTheReportsHaveThem) {
  BenchReportInputs inputs = Inputs();
  inputs.harness_reports.push_back({"matrix", R"({"verdict": "pass", "wall_seconds": 42.25})"});
  inputs.harness_reports.push_back({"regress", R"({"verdict": "pass"})"});
  auto output = BuildBenchReport(inputs);
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  EXPECT_NE(output->markdown.find("| matrix | 42.2 |"), std::string::npos) << output->markdown;
  EXPECT_EQ(output->markdown.find("| regress |"), std::string::npos);
  ASSERT_EQ(output->notes.size(), 1u);
  EXPECT_EQ(output->notes[0], "regress report: no \"wall_seconds\" field, left out");
}

TEST(BenchReport, AppendicesFollowTheTablesInOrderNamingTheirFiles) {
  BenchReportInputs inputs = Inputs();
  inputs.appendices.push_back({"ANALYSIS.md", "## What bounds the goals\n\ntwo copies"});
  inputs.appendices.push_back({"profiles/PROFILE.md", "## CPU profile\n"});
  auto output = BuildBenchReport(inputs);
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  const std::string& md = output->markdown;
  const auto analysis = md.find("<!-- from ANALYSIS.md -->\n\n## What bounds the goals\n\ntwo copies\n");
  const auto profile = md.find("<!-- from profiles/PROFILE.md -->\n\n## CPU profile\n");
  ASSERT_NE(analysis, std::string::npos) << md;
  ASSERT_NE(profile, std::string::npos) << md;
  EXPECT_LT(md.find("| odirect_write |"), analysis);
  EXPECT_LT(analysis, profile);
}

TEST(BenchReport, ErrorsNameTheInput) {
  BenchReportInputs inputs = Inputs();
  inputs.benchmark_json.push_back({"torn.json", "{\"benchmarks\": [{"});
  auto torn = BuildBenchReport(inputs);
  ASSERT_FALSE(torn.ok());
  EXPECT_NE(torn.status().message().find("torn.json"), std::string::npos);
  inputs = Inputs();
  inputs.harness_reports.push_back({"matrix", R"({"wall_seconds": "slow"})"});
  auto bad = BuildBenchReport(inputs);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "matrix report: \"wall_seconds\" is not a number");
}

}  // namespace
}  // namespace dioh::benchreport
