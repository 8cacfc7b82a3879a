#include <set>
#include <sstream>

#include "harness/benchreport/render.h"

namespace dioh::benchreport {
namespace {

std::string Cell(std::string text) {  // a '|' would end the cell
  for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

void WriteRow(std::ostringstream& out, const std::vector<std::string>& cells) {
  out << "|";
  for (const std::string& cell : cells) out << " " << Cell(cell) << " |";
  out << "\n";
}

void WriteTable(std::ostringstream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  WriteRow(out, header);
  out << "|";
  for (std::size_t i = 0; i < header.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& row : rows) WriteRow(out, row);
}

std::string LoadAverage(const BenchContext& c) {
  if (c.load_avg.empty()) return "-";
  std::string text;
  for (double v : c.load_avg) text += (text.empty() ? "" : " / ") + FormatFixed(v, 2);
  return text;
}

// Values shared by all files ("2"), or all of them ("a, b") when they differ.
template <typename Get>
std::string Distinct(const std::vector<BenchContext>& machines, Get get) {
  std::set<std::string> values;
  for (const BenchContext& c : machines) {
    const std::string v = get(c);
    if (!v.empty()) values.insert(v);
  }
  std::string text;
  for (const std::string& v : values) text += (text.empty() ? "" : ", ") + v;
  return text.empty() ? "not recorded" : text;
}

void WriteMachine(std::ostringstream& out, const BenchSummary& summary) {
  out << "## Machine\n\n";
  out << "- CPUs (nproc): " << Distinct(summary.machines, [](const BenchContext& c) {
    return c.num_cpus > 0 ? std::to_string(c.num_cpus) : std::string();
  }) << "\n";
  out << "- kernel: " << Distinct(summary.machines, [](const BenchContext& c) { return c.kernel; }) << "\n";
  out << "- host: " << Distinct(summary.machines, [](const BenchContext& c) { return c.host_name; }) << "\n";
  out << "- dioharness build type: "
      << Distinct(summary.machines, [](const BenchContext& c) { return c.build_type; }) << "\n\n";
  out << "Load average when each benchmark binary started (a load above the CPU count means other work "
         "shared the machine and the absolute figures are lower than on an idle one; ratios within one "
         "run share that load). The cv (standard deviation over mean of the repetitions' time) says how far "
         "a single figure can be trusted: a ratio closer to its goal than a few cv is within the noise.\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const BenchContext& c : summary.machines) {
    rows.push_back({c.file, c.date, LoadAverage(c), c.median_cv ? FormatFixed(*c.median_cv * 100, 1) + " %" : "-"});
  }
  WriteTable(out, {"file", "date", "load average 1 / 5 / 15 min", "median cv of the repetitions"}, rows);
  out << "\n";
}

std::vector<std::string> GoalRow(const Goal& goal) {
  const char* state = !goal.value ? "not measured" : goal.met ? "**met**" : "**missed**";
  return {goal.text, state, goal.noise.empty() ? goal.verdict : goal.verdict + "; " + goal.noise};
}

}  // namespace

std::string RenderMarkdown(const BenchSummary& summary, const std::string& chart_file) {
  std::ostringstream out;
  out << "# Benchmark summary\n\n"
      << "Written by `dioharness bench-report` from the Google Benchmark JSON in this folder "
         "(`make bench`); do not edit by hand. Figures are medians of the repetitions; every ratio "
         "compares two figures measured in the same run.\n\n";
  WriteMachine(out, summary);
  std::vector<std::vector<std::string>> goals;
  for (const Table& table : summary.tables) {
    for (const Goal& goal : table.goals) goals.push_back(GoalRow(goal));
  }
  if (!goals.empty()) {
    out << "## Performance goals\n\n";
    WriteTable(out, {"goal", "state", "measured"}, goals);
    out << "\n";
  }
  if (!chart_file.empty() && !summary.bars.empty()) out << "![ratios](" << chart_file << ")\n\n";
  for (const Table& table : summary.tables) {
    out << "## " << table.title << "\n\n";
    if (!table.note.empty()) out << table.note << "\n\n";
    WriteTable(out, table.header, table.rows);
    out << "\n";
    for (const Goal& goal : table.goals) {
      const auto row = GoalRow(goal);
      out << "- Goal: " << row[0] << ": " << row[1] << " (" << row[2] << ")\n";
    }
    if (!table.goals.empty()) out << "\n";
  }
  if (summary.tables.empty()) out << "No benchmark results found.\n";
  return out.str();
}

}  // namespace dioh::benchreport
