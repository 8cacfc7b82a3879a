#include "harness/scenario/scenario.h"

#include "migration/model/direct_io.h"
#include "migration/ram/host_ram.h"

namespace dioh {
namespace {

bool CapabilityOn(const Scenario& scenario, const std::string& name) {
  const auto it = scenario.capabilities.find(name);
  return it != scenario.capabilities.end() && it->second;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string ExpectedOutcome::ToString() const {
  return status == Status::kCompleted ? "completed" : "failed: " + error;
}

std::string ExpectedOutcome::ErrorFor(const std::string& file) const {
  std::string pattern = error;
  ReplaceAll(pattern, "{file}", file);
  return pattern;
}

bool ExpectedOutcome::Matches(const std::string& actual_status, const std::string& error_desc,
                              const std::string& file) const {
  if (status == Status::kCompleted) return actual_status == "completed";
  return actual_status == "failed" && MatchesWildcard(ErrorFor(file), error_desc);
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

std::uint64_t GuestSetup::TotalRamBytes() const {
  auto blocks = mrm::ram::ParseRamSpec(ram);
  if (!blocks.ok()) return 0;  // ParseScenario rejects such a spec
  std::uint64_t total = 0;
  for (const mrm::ram::RamBlockSpec& block : *blocks) total += block.used_length;
  return total;
}

bool DirectIoRequested(const Scenario& scenario) {
  const auto it = scenario.parameters.find("direct-io");
  return it != scenario.parameters.end() && it->is_boolean() && it->get<bool>();
}

namespace {

// The scenario's direct-io as migration/'s one rule (QEMU's migrate_direct_io()) decides it.
mrm::model::DirectIo ScenarioDirectIo(const Scenario& scenario) {
  return mrm::model::DirectIo::Decide(DirectIoRequested(scenario), CapabilityOn(scenario, "mapped-ram"),
                                      CapabilityOn(scenario, "multifd"));
}

}  // namespace

bool DirectIoEffective(const Scenario& scenario) { return ScenarioDirectIo(scenario).effective(); }

std::string DirectIoNotEffectiveReason(const Scenario& scenario) {
  return std::string(ScenarioDirectIo(scenario).reason());
}

}  // namespace dioh
