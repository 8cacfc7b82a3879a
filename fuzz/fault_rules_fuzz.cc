// Fault rules (--faults FILE, writes to .diofs/faults): any text is a plan
// or an error, and what .diofs/faults then reads back (names, matchers and
// counters of each rule) is valid JSON with one entry per rule.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fs/sim/fault_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = diofs::sim::FaultPlan::Parse(text);
  if (!plan.ok()) return 0;
  const auto shown = nlohmann::json::parse((*plan)->ToJson(), nullptr, /*allow_exceptions=*/false);
  if (!shown.is_object() || !shown["rules"].is_array() || shown["rules"].size() != (*plan)->size()) {
    std::abort();
  }
  return 0;
}
