#include "harness/scenario/scenario.h"

#include <nlohmann/json.hpp>

#include "migration/params/migration_config.h"
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

bool DirectIoEffective(const Scenario& scenario) {
  return migration::DirectIoEffective(DirectIoRequested(scenario), CapabilityOn(scenario, "mapped-ram"),
                                      CapabilityOn(scenario, "multifd"));
}

std::string DirectIoNotEffectiveReason(const Scenario& scenario) {
  if (!DirectIoRequested(scenario) || DirectIoEffective(scenario)) return "";
  const bool mapped_ram = CapabilityOn(scenario, "mapped-ram");
  const bool multifd = CapabilityOn(scenario, "multifd");
  if (!mapped_ram && !multifd) return "mapped-ram and multifd are off";
  return mapped_ram ? "multifd is off" : "mapped-ram is off";
}

}  // namespace dioh
