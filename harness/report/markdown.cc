#include <cstdio>
#include <sstream>

#include "harness/report/report.h"

namespace dioh {
namespace {

// A detail of several lines ("3 violations" then one per violation) as a
// nested list, so its lines stay inside their item and apart.
std::string NestedLines(const std::string& detail) {
  std::string out;
  for (const char c : detail) out += c == '\n' ? std::string("\n  - ") : std::string(1, c);
  return out;
}

// A run's verdict in the Markdown table: what needs a look stands out.
std::string_view MarkdownVerdict(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "**FAIL**";
    case Verdict::kSkipped: return "skipped";
    case Verdict::kKnownEngineBug: return "known engine bug";
    case Verdict::kUnexpectedPass: return "**UNEXPECTED PASS**";
    case Verdict::kError: return "**ERROR**";
  }
  return "?";
}

// One table cell: no pipes or newlines.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string ToMarkdown(const Report& report) {
  std::ostringstream md;
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.1f", report.wall_seconds);
  md << "# " << report.title << "\n\n"
     << "Started " << report.started_at << ", took " << wall << " s: **" << CountsLine(report) << "**.\n\n"
     << "| scenario | profile | expected | outcome | verdict | time (s) |\n"
     << "|---|---|---|---|---|---|\n";
  for (const ScenarioResult& r : report.results) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", r.seconds);
    md << "| " << Cell(r.scenario) << " | " << Cell(r.profile) << " | " << Cell(r.expected)
       << " | " << Cell(r.outcome) << " | " << MarkdownVerdict(r.verdict) << (r.reason.empty() ? "" : ": ")
       << Cell(r.reason) << " | "
       << seconds << " |\n";
  }
  // The first failures only: a broken engine fails every scenario the same way.
  constexpr std::size_t kFirstFailures = 20;
  std::size_t failures = 0;
  for (const ScenarioResult& r : report.results) {
    std::vector<std::pair<std::string, std::string>> lines;
    // What a verdict other than fail means is in its reason.
    if (r.verdict == Verdict::kError || r.verdict == Verdict::kUnexpectedPass) {
      lines.emplace_back(VerdictName(r.verdict), r.reason);
    }
    if (r.verdict == Verdict::kFail || r.verdict == Verdict::kError) {
      for (auto& line : FailureLines(r)) lines.push_back(std::move(line));
    }
    for (const auto& [name, detail] : lines) {
      if (failures == 0) md << "\n## First failures\n\n";
      if (++failures > kFirstFailures) continue;
      md << "- `" << r.scenario << "` on `" << r.profile << "`, **" << name << "**: " << NestedLines(detail) << "\n";
    }
  }
  if (failures > kFirstFailures) md << "- … and " << failures - kFirstFailures << " more (report.json has them all)\n";
  md << "\n## Configuration\n\n";
  for (const auto& [key, value] : report.configuration) md << "- " << key << ": " << value << "\n";
  bool any_configuration = false;
  for (const ScenarioResult& r : report.results) {
    if (r.configuration.empty()) continue;
    if (!any_configuration) md << "\n| scenario | profile | configuration |\n|---|---|---|\n";
    any_configuration = true;
    md << "| " << Cell(r.scenario) << " | " << Cell(r.profile) << " | " << Cell(r.configuration) << " |\n";
  }
  return md.str();
}

}  // namespace dioh
