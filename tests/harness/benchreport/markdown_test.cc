#include <gtest/gtest.h>

#include "harness/benchreport/render.h"

namespace dioh::benchreport {
namespace {

BenchSummary Sample() {
  BenchSummary summary;
  summary.machines.push_back({"io.json", "2026-11-30T08:00:00", "vm", 2, {3.5, 2.25, 1}, "6.18.44", "Release", 0.02});
  summary.machines.push_back({"engine.json", "2026-11-30T08:05:00", "vm", 2, {}, "", "", std::nullopt});
  Table t;
  t.title = "diofs against tmpfs";
  t.note = "MiB/s.";
  t.header = {"access", "ratio"};
  t.rows = {{"odirect_write", "0.60"}, {"a|b", "-"}};
  t.goals.push_back(CheckGoal("half of tmpfs", 0.6, 0.5, true));
  t.goals.push_back(CheckGoal("log at most 3 %", std::nullopt, 3, false));
  summary.tables.push_back(t);
  summary.bars.push_back({"diofs / tmpfs", "odirect_write 1 MiB x1", 0.6});
  return summary;
}

TEST(Markdown, MachineFromTheContextWithLoadPerFile) {
  const std::string md = RenderMarkdown(Sample(), "summary.svg");
  EXPECT_NE(md.find("- CPUs (nproc): 2\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- kernel: 6.18.44\n"), std::string::npos);
  EXPECT_NE(md.find("| io.json | 2026-11-30T08:00:00 | 3.50 / 2.25 / 1.00 | 2.0 % |"), std::string::npos);
  EXPECT_NE(md.find("| engine.json | 2026-11-30T08:05:00 | - | - |"), std::string::npos);
}

TEST(Markdown, GoalsTablesAndChart) {
  const std::string md = RenderMarkdown(Sample(), "summary.svg");
  EXPECT_NE(md.find("| half of tmpfs | **met** | met: 0.60 >= 0.50 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| log at most 3 % | not measured | not measured |"), std::string::npos);
  EXPECT_NE(md.find("## diofs against tmpfs\n\nMiB/s.\n\n| access | ratio |\n|---|---|\n| odirect_write | 0.60 |\n"),
            std::string::npos);
  EXPECT_NE(md.find("| a\\|b | - |"), std::string::npos);
  EXPECT_NE(md.find("![ratios](summary.svg)"), std::string::npos);
  EXPECT_EQ(RenderMarkdown(Sample(), "").find("!["), std::string::npos);
}

TEST(Markdown, SaysWhenThereIsNothing) {
  const std::string md = RenderMarkdown(BenchSummary{}, "summary.svg");
  EXPECT_NE(md.find("No benchmark results found."), std::string::npos);
  EXPECT_NE(md.find("- kernel: not recorded"), std::string::npos);
}

}  // namespace
}  // namespace dioh::benchreport
