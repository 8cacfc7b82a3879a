#include "migration/params/param_json.h"

#include <cerrno>
#include <string>

#include <nlohmann/json.hpp>

namespace mrm::params {
namespace {

dioh::Status WrongType(const std::string& name, const char* expected) {
  return dioh::Status::Error(EINVAL, "Invalid parameter type for '" + name + "', expected: " + expected);
}
dioh::Status Expects(const std::string& name, const char* what) {
  return dioh::Status::Error(EINVAL, "Parameter '" + name + "' expects " + what);
}
dioh::Status Unexpected(const std::string& name) {
  return dioh::Status::Error(EINVAL, "Parameter '" + name + "' is unexpected");
}
dioh::Status Missing(const std::string& name) {
  return dioh::Status::Error(EINVAL, "Parameter '" + name + "' is missing");
}

// visit_type_uintN() over the QObject input visitor: any JSON integer (a
// negative one wraps, for backward compatibility), then the width's range.
dioh::Result<std::uint64_t> ReadUnsigned(const Json& value, const std::string& name, ParamType type) {
  if (!value.is_number_integer()) return Expects(name, "uint64");
  const std::uint64_t number = value.is_number_unsigned()
                                   ? value.get<std::uint64_t>()
                                   : static_cast<std::uint64_t>(value.get<std::int64_t>());
  if (type == ParamType::kUint8 && number > UINT8_MAX) return Expects(name, "uint8_t");
  if (type == ParamType::kUint32 && number > UINT32_MAX) return Expects(name, "uint32_t");
  return number;
}

dioh::Result<ParamValue> ReadParameter(const ParamSpec& spec, const Json& value) {
  const std::string name(spec.name);
  switch (spec.type) {
    case ParamType::kUint8:
    case ParamType::kUint32:
    case ParamType::kUint64:
    case ParamType::kSize: {
      auto number = ReadUnsigned(value, name, spec.type);
      if (!number.ok()) return number.status();
      return ParamValue(*number);
    }
    case ParamType::kBool:
      if (!value.is_boolean()) return WrongType(name, "boolean");
      return ParamValue(value == true);
    case ParamType::kString:  // tls-*: StrOrNull, null meaning ""
      if (value.is_null()) return ParamValue(std::string());
      if (!value.is_string()) return WrongType(name, "StrOrNull");
      return ParamValue(value.get<std::string>());
    case ParamType::kEnum:
      if (!value.is_string()) return WrongType(name, "string");
      return ParamValue(value.get<std::string>());
    case ParamType::kStringList: {
      if (!value.is_array()) return WrongType(name, "array");
      std::vector<std::string> list;
      std::size_t index = 0;
      for (const Json& element : value) {
        if (!element.is_string()) return WrongType(name + "[" + std::to_string(index) + "]", "string");
        list.push_back(element.get<std::string>());
        ++index;
      }
      return ParamValue(std::move(list));
    }
  }
  return dioh::Status::Error(EINVAL, "unreachable parameter type");
}

// The first member of `object` not in `known`, as check_struct reports it.
template <typename IsKnown>
dioh::Status CheckNoUnexpected(const Json& object, const std::string& prefix, IsKnown is_known) {
  for (const auto& item : object.items()) {
    if (!is_known(item.key())) return Unexpected(prefix + item.key());
  }
  return dioh::Status::Ok();
}

}  // namespace

dioh::Result<std::vector<ParameterChange>> ParseSetParametersArguments(const Json& arguments) {
  std::vector<ParameterChange> changes;
  for (const ParamSpec& spec : ParameterSpecs()) {
    const auto it = arguments.find(std::string(spec.name));
    if (it == arguments.end()) continue;
    auto value = ReadParameter(spec, *it);
    if (!value.ok()) return value.status();
    changes.push_back({&spec, std::move(*value)});
  }
  DIOH_RETURN_IF_ERROR(CheckNoUnexpected(arguments, "", [](const std::string& key) {
    return FindParameter(key) != nullptr;
  }));
  return changes;
}

dioh::Result<std::vector<CapabilityChange>> ParseSetCapabilitiesArguments(const Json& arguments) {
  const auto list = arguments.find("capabilities");
  if (list == arguments.end()) return Missing("capabilities");
  if (!list->is_array()) return WrongType("capabilities", "array");
  std::vector<CapabilityChange> changes;
  std::size_t index = 0;
  for (const Json& entry : *list) {
    const std::string prefix = "capabilities[" + std::to_string(index++) + "]";
    if (!entry.is_object()) return WrongType(prefix, "object");
    const auto name = entry.find("capability");
    if (name == entry.end()) return Missing(prefix + ".capability");
    if (!name->is_string()) return WrongType(prefix + ".capability", "string");
    const auto capability = CapabilityFromName(name->get<std::string>());
    if (!capability) {
      return dioh::Status::Error(EINVAL, "Parameter 'capability' does not accept value '" +
                                       name->get<std::string>() + "'");
    }
    const auto state = entry.find("state");
    if (state == entry.end()) return Missing(prefix + ".state");
    if (!state->is_boolean()) return WrongType(prefix + ".state", "boolean");
    DIOH_RETURN_IF_ERROR(CheckNoUnexpected(entry, prefix + ".", [](const std::string& key) {
      return key == "capability" || key == "state";
    }));
    changes.push_back({*capability, *state == true});
  }
  DIOH_RETURN_IF_ERROR(CheckNoUnexpected(arguments, "", [](const std::string& key) {
    return key == "capabilities";
  }));
  return changes;
}

Json ParametersToJson(const MigrationParameters& parameters) {
  Json out = Json::object();
  for (const ParamSpec& spec : ParameterSpecs()) {
    std::visit([&](const auto& value) { out[std::string(spec.name)] = value; },
               GetParameter(parameters, spec));
  }
  return out;
}

Json CapabilitiesToJson(const CapabilitySet& capabilities) {
  Json out = Json::array();
  for (std::size_t i = 0; i < kCapabilityCount; ++i) {
    const auto capability = static_cast<Capability>(i);
    out.push_back(Json{{"capability", std::string(CapabilityName(capability))},
                       {"state", capabilities.enabled(capability)}});
  }
  return out;
}

}  // namespace mrm::params
