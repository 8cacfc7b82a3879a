#include "tests/harness/support/scenario_json.h"

namespace dioh::test_support {

nlohmann::json ScenarioToJson(const Scenario& scenario) {
  nlohmann::json diofs = {{"profile", scenario.diofs.profile},
                          {"backend", scenario.diofs.backend},
                          {"on_violation", scenario.diofs.on_violation},
                          {"device", scenario.diofs.device},
                          {"capacity", scenario.diofs.capacity}};
  if (!scenario.diofs.faults.empty()) diofs["faults"] = nlohmann::json::parse(scenario.diofs.faults);
  nlohmann::json json = {
      {"name", scenario.name},
      {"description", scenario.description},
      {"diofs", diofs},
      {"guest",
       {{"ram", scenario.guest.ram},
        {"seed", scenario.guest.seed},
        {"zero_fraction", scenario.guest.zero_fraction},
        {"dirty_fraction", scenario.guest.dirty_fraction},
        {"passes", scenario.guest.passes}}},
      {"capabilities", scenario.capabilities},
      {"parameters", scenario.parameters.json()},
      {"uri_offset", scenario.uri_offset},
      {"preload", scenario.preload},
      {"load", scenario.load},
      {"no_direct_io_build", scenario.no_direct_io_build},
      {"timeout_seconds", scenario.timeout_seconds},
      {"matrix", scenario.matrix},
  };
  if (scenario.expect) {
    json["expect"] = {{"status", scenario.expect->status == ExpectedOutcome::Status::kCompleted ? "completed" : "failed"}};
    if (scenario.expect->status == ExpectedOutcome::Status::kFailed) {
      if (scenario.expect->error_by_engine.empty()) {
        json["expect"]["error"] = scenario.expect->error;
      } else {
        json["expect"]["error"] = scenario.expect->error_by_engine;
      }
      json["expect"]["rejected_io"] = scenario.expect->rejected_io;
    }
  }
  for (const KnownEngineBug& bug : scenario.known_engine_bugs) {
    json["known_engine_bugs"].push_back(
        {{"engine", bug.engine}, {"versions", bug.versions}, {"summary", bug.summary}, {"fails", bug.fails}});
  }
  return json;
}

}  // namespace dioh::test_support
