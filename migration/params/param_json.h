// The QMP (JSON) forms of parameters and capabilities: arguments of
// migrate-set-parameters / migrate-set-capabilities checked as QEMU's QObject
// input visitor checks them (same messages, same first error), and the
// replies of query-migrate-parameters / query-migrate-capabilities.
#pragma once

#include <vector>

// Declarations only: the JSON library is included by the .cc files that build
// or read JSON values, not by every includer of the QMP headers.
#include <nlohmann/json_fwd.hpp>

#include "common/status/status.h"
#include "migration/params/migration_config.h"

namespace mrm::params {

// Insertion-ordered, as QEMU's replies are written member by member.
using Json = nlohmann::ordered_json;

dioh::Result<std::vector<ParameterChange>> ParseSetParametersArguments(const Json& arguments);
dioh::Result<std::vector<CapabilityChange>> ParseSetCapabilitiesArguments(const Json& arguments);

Json ParametersToJson(const MigrationParameters& parameters);
Json CapabilitiesToJson(const CapabilitySet& capabilities);

}  // namespace mrm::params
