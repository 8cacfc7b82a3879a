#include "harness/scenario/outcome.h"

#include <array>

namespace dioh {
namespace {

constexpr std::array<std::string_view, 7> kEndNames = {"completed", "failed",      "cancelled",     "timeout",
                                                        "engine-died", "interrupted", "engine-crashed"};

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string_view MigrationEndName(MigrationEnd end) { return kEndNames[static_cast<std::size_t>(end)]; }

std::optional<MigrationEnd> FinalMigrationStatus(std::string_view status) {
  if (status == "completed") return MigrationEnd::kCompleted;
  if (status == "failed") return MigrationEnd::kFailed;
  if (status == "cancelled") return MigrationEnd::kCancelled;
  return std::nullopt;
}

std::string MigrationOutcome::ToString() const {
  const std::string name(MigrationEndName(end));
  if (completed()) return name;
  std::string text = name + ": " + error_desc;
  if (!engine_output.empty()) text += "; its last output:\n" + engine_output;
  return text;
}

std::optional<ExpectedOutcome> ExpectedOutcome::ForEngine(const std::string& engine) const {
  ExpectedOutcome out = *this;
  if (error_by_engine.empty()) return out;
  const auto it = error_by_engine.find(engine);
  if (it == error_by_engine.end()) return std::nullopt;
  out.error = it->second;
  out.error_by_engine.clear();
  return out;
}

std::string ExpectedOutcome::ToString(const std::string& file) const {
  return status == Status::kCompleted ? "completed" : "failed: " + ErrorFor(file);
}

std::string ExpectedOutcome::ErrorFor(const std::string& file) const {
  std::string pattern = error;
  if (!error_by_engine.empty()) {  // not yet resolved ForEngine(): every engine's text
    pattern.clear();
    for (const auto& [engine, text] : error_by_engine) pattern += (pattern.empty() ? "" : " | ") + engine + ": " + text;
  }
  ReplaceAll(pattern, "{file}", file);
  return pattern;
}

bool ExpectedOutcome::Matches(const MigrationOutcome& side, const std::string& file) const {
  if (status == Status::kCompleted) return side.completed();
  if (!error_by_engine.empty()) return false;  // which engine's text? (ForEngine first)
  return side.end == MigrationEnd::kFailed && MatchesWildcard(ErrorFor(file), side.error_desc);
}

bool MatchesWildcard(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point (the last '*'): linear enough
  // for error messages, and no character but '*' is special.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace dioh
