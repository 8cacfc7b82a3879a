#include "harness/scenario/scenario.h"

#include <nlohmann/json.hpp>

#include "migration/model/direct_io.h"
#include "migration/ram/host_ram.h"

namespace dioh {
namespace {

bool CapabilityOn(const Scenario& scenario, const std::string& name) {
  const auto it = scenario.capabilities.find(name);
  return it != scenario.capabilities.end() && it->second;
}

}  // namespace

std::uint64_t GuestSetup::TotalRamBytes() const {
  auto blocks = mrm::ram::ParseRamSpec(ram);
  if (!blocks.ok()) return 0;  // ParseScenario rejects such a spec
  std::uint64_t total = 0;
  for (const mrm::ram::RamBlockSpec& block : *blocks) total += block.used_length;
  return total;
}

bool DirectIoRequested(const Scenario& scenario) {
  const nlohmann::json& parameters = scenario.parameters.json();
  const auto it = parameters.find("direct-io");
  return it != parameters.end() && it->is_boolean() && it->get<bool>();
}

std::uint32_t MultifdChannels(const Scenario& scenario) {
  return scenario.parameters.json().value("multifd-channels", 2u);  // QEMU's default
}

std::string ZeroPageDetection(const Scenario& scenario) {
  const nlohmann::json& parameters = scenario.parameters.json();
  const auto it = parameters.find("zero-page-detection");
  return it != parameters.end() && it->is_string() ? it->get<std::string>() : "multifd";
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
