// ScenarioToJson: the JSON form of a scenario (every field, defaults
// included; no source_file), what ParseScenario reads back to the same
// scenario. Test-only: the round-trip tests compare scenarios through it.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/scenario/scenario.h"

namespace dioh::test_support {

nlohmann::json ScenarioToJson(const Scenario& scenario);

}  // namespace dioh::test_support
