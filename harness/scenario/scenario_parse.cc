// ParseScenario: the JSON form of SCENARIOS.md, checked field by field on a
// copy; the first error names the file and the field.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fs/sim/device_model.h"
#include "fs/sim/fault_plan.h"
#include "fs/sim/units.h"
#include "harness/os/errno_status.h"
#include "harness/scenario/scenario.h"
#include "migration/params/param_json.h"
#include "migration/ram/host_ram.h"

namespace dioh {
namespace {

using nlohmann::json;

// Reads the members of one JSON object; every error carries the file and the
// dotted field name.
class ObjectReader {
 public:
  ObjectReader(const std::string& file, std::string prefix, const json& object)
      : file_(file), prefix_(std::move(prefix)), object_(object) {}

  Status Error(const std::string& key, const std::string& reason) const {
    return Status::Error(EINVAL, file_ + ": field '" + prefix_ + key + "': " + reason);
  }

  // Unknown members are errors (a typo must not silently become a default).
  Status OnlyKnown(std::initializer_list<const char*> known) const {
    for (const auto& [key, value] : object_.items()) {
      if (std::none_of(known.begin(), known.end(), [&](const char* name) { return key == name; })) {
        std::string names;
        for (const char* name : known) names += std::string(names.empty() ? "" : ", ") + name;
        return Error(key, "unknown field (known: " + names + ")");
      }
    }
    return Status::Ok();
  }

  const json* Find(const std::string& key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  Status String(const std::string& key, std::string& out) const {
    const json* value = Find(key);
    if (value == nullptr) return Status::Ok();
    if (!value->is_string()) return Error(key, "must be a string");
    out = value->get<std::string>();
    return Status::Ok();
  }

  Status Bool(const std::string& key, bool& out) const {
    const json* value = Find(key);
    if (value == nullptr) return Status::Ok();
    if (!value->is_boolean()) return Error(key, "must be true or false");
    out = value->get<bool>();
    return Status::Ok();
  }

  Status Unsigned(const std::string& key, std::uint64_t& out, std::uint64_t min = 0,
                  std::uint64_t max = UINT64_MAX) const {
    const json* value = Find(key);
    if (value == nullptr) return Status::Ok();
    const auto range = "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (!value->is_number_unsigned()) return Error(key, range);
    const std::uint64_t number = value->get<std::uint64_t>();
    if (number < min || number > max) return Error(key, range);
    out = number;
    return Status::Ok();
  }

  Status Fraction(const std::string& key, double& out) const {
    const json* value = Find(key);
    if (value == nullptr) return Status::Ok();
    if (!value->is_number() || value->get<double>() < 0.0 || value->get<double>() > 1.0) {
      return Error(key, "must be a number in [0, 1]");
    }
    out = value->get<double>();
    return Status::Ok();
  }

  // A member that must be an object, read by `read` when present.
  Status Object(const std::string& key, const std::function<Status(const ObjectReader&)>& read) const {
    const json* value = Find(key);
    if (value == nullptr) return Status::Ok();
    return Object(key, *value, ".", read);
  }
  // An element of a list member: `suffix` is "[2].".
  Status Object(const std::string& key, const json& value, const std::string& suffix,
                const std::function<Status(const ObjectReader&)>& read) const {
    if (!value.is_object()) return Error(key + (suffix == "." ? "" : suffix.substr(0, suffix.size() - 1)), "must be an object");
    return read(ObjectReader(file_, prefix_ + key + suffix, value));
  }

 private:
  const std::string& file_;
  std::string prefix_;
  const json& object_;
};

Status ReadDiofs(const ObjectReader& in, DiofsSetup& out) {
  DIOH_RETURN_IF_ERROR(in.OnlyKnown({"profile", "backend", "on_violation", "device", "capacity", "faults"}));
  DIOH_RETURN_IF_ERROR(in.String("profile", out.profile));
  if (auto profile = diofs::ProfileByName(out.profile); !profile.ok()) {
    return in.Error("profile", profile.status().message());
  }
  DIOH_RETURN_IF_ERROR(in.String("backend", out.backend));
  if (out.backend != "mem" && out.backend != "passthrough") return in.Error("backend", "must be \"mem\" or \"passthrough\"");
  DIOH_RETURN_IF_ERROR(in.String("on_violation", out.on_violation));
  if (auto mode = diofs::ParseOnViolation(out.on_violation); !mode.ok()) return in.Error("on_violation", mode.status().message());
  DIOH_RETURN_IF_ERROR(in.String("device", out.device));
  if (!out.device.empty()) {
    if (auto spec = diofs::sim::ParseDeviceSpec(out.device); !spec.ok()) return in.Error("device", spec.status().message());
  }
  DIOH_RETURN_IF_ERROR(in.String("capacity", out.capacity));
  if (!out.capacity.empty()) {
    if (auto bytes = diofs::sim::ParseSize(out.capacity); !bytes.ok()) return in.Error("capacity", bytes.status().message());
  }
  if (const json* faults = in.Find("faults")) {
    if (!faults->is_object()) return in.Error("faults", "must be an object (fs/sim/FAULTS.md)");
    // Kept as the text diofs will read, and checked as that text.
    out.faults = faults->dump(2);
    if (auto plan = diofs::sim::FaultPlan::Parse(out.faults); !plan.ok()) return in.Error("faults", plan.status().message());
  }
  return Status::Ok();
}

Status ReadGuest(const ObjectReader& in, GuestSetup& out) {
  DIOH_RETURN_IF_ERROR(in.OnlyKnown({"ram", "seed", "zero_fraction", "dirty_fraction", "passes"}));
  DIOH_RETURN_IF_ERROR(in.String("ram", out.ram));
  if (Status ram = CheckGuestRam(out.ram); !ram.ok()) return in.Error("ram", ram.message());
  DIOH_RETURN_IF_ERROR(in.Unsigned("seed", out.seed));
  DIOH_RETURN_IF_ERROR(in.Fraction("zero_fraction", out.zero_fraction));
  DIOH_RETURN_IF_ERROR(in.Fraction("dirty_fraction", out.dirty_fraction));
  std::uint64_t passes = out.passes;
  DIOH_RETURN_IF_ERROR(in.Unsigned("passes", passes, 1, UINT32_MAX));
  out.passes = static_cast<std::uint32_t>(passes);
  return Status::Ok();
}

Status ReadCapabilities(const ObjectReader& in, const json& object, std::map<std::string, bool>& out) {
  for (const auto& [name, value] : object.items()) {
    if (!mrm::params::CapabilityFromName(name)) return in.Error(name, "not a QEMU migration capability");
    if (!value.is_boolean()) return in.Error(name, "must be true or false");
    out[name] = value.get<bool>();
  }
  return Status::Ok();
}

// "error": one pattern for every engine, or {"mrmigrate": ..., "qemu": ...}
// with a text for each engine (every engine named: an expectation must hold
// wherever the scenario runs).
Status ReadError(const ObjectReader& in, ExpectedOutcome& outcome) {
  const json* value = in.Find("error");
  const std::string needed = "a failed outcome needs the error-desc it must carry";
  if (value == nullptr) return in.Error("error", needed);
  if (value->is_string()) {
    outcome.error = value->get<std::string>();
    if (outcome.error.empty()) return in.Error("error", needed);
    return Status::Ok();
  }
  if (!value->is_object()) {
    return in.Error("error", "must be a string, or an object with a string for each engine (mrmigrate, qemu)");
  }
  for (const auto& [engine, text] : value->items()) {
    if (!IsEngineKind(engine)) return in.Error("error." + engine, "not an engine (mrmigrate, qemu)");
    if (!text.is_string() || text.get<std::string>().empty()) return in.Error("error." + engine, needed);
    outcome.error_by_engine[engine] = text.get<std::string>();
  }
  for (std::string_view engine : kEngineKinds) {
    if (outcome.error_by_engine.count(std::string(engine)) == 0) {
      return in.Error("error." + std::string(engine), "missing: name every engine's text, or give one pattern for all");
    }
  }
  return Status::Ok();
}

Status ReadExpect(const ObjectReader& in, std::optional<ExpectedOutcome>& out) {
  DIOH_RETURN_IF_ERROR(in.OnlyKnown({"status", "error", "rejected_io"}));
  std::string status;
  DIOH_RETURN_IF_ERROR(in.String("status", status));
  ExpectedOutcome outcome;
  if (status == "completed") {
    if (in.Find("error") != nullptr) return in.Error("error", "only a failed outcome has an error");
    if (in.Find("rejected_io") != nullptr) return in.Error("rejected_io", "only a failed outcome has refused I/O");
  } else if (status == "failed") {
    outcome.status = ExpectedOutcome::Status::kFailed;
    DIOH_RETURN_IF_ERROR(ReadError(in, outcome));
    DIOH_RETURN_IF_ERROR(in.Bool("rejected_io", outcome.rejected_io));
  } else {
    return in.Error("status", "must be \"completed\" or \"failed\"");
  }
  out = outcome;
  return Status::Ok();
}

// "known_engine_bugs": [{"engine": ..., "versions": [...], "summary": ..., "fails": [...]}]
Status ReadStrings(const ObjectReader& in, const std::string& key, std::vector<std::string>& out) {
  const json* value = in.Find(key);
  if (value == nullptr) return in.Error(key, "missing");
  if (!value->is_array() || value->empty()) return in.Error(key, "must be a list of strings, not empty");
  for (const json& item : *value) {
    if (!item.is_string() || item.get<std::string>().empty()) return in.Error(key, "must be a list of strings, not empty");
    out.push_back(item.get<std::string>());
  }
  return Status::Ok();
}

Status ReadKnownBug(const ObjectReader& in, KnownEngineBug& out) {
  DIOH_RETURN_IF_ERROR(in.OnlyKnown({"engine", "versions", "summary", "fails"}));
  DIOH_RETURN_IF_ERROR(in.String("engine", out.engine));
  if (!IsEngineKind(out.engine)) return in.Error("engine", "must be \"qemu\" or \"mrmigrate\"");
  DIOH_RETURN_IF_ERROR(in.String("summary", out.summary));
  if (out.summary.empty()) return in.Error("summary", "missing (say what goes wrong)");
  DIOH_RETURN_IF_ERROR(ReadStrings(in, "versions", out.versions));
  return ReadStrings(in, "fails", out.fails);
}

bool IsScenarioName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Status ReadScenario(const ObjectReader& in, Scenario& out) {
  DIOH_RETURN_IF_ERROR(in.OnlyKnown({"name", "description", "diofs", "guest", "capabilities", "parameters",
                                     "uri_offset", "preload", "load", "no_direct_io_build", "timeout_seconds",
                                     "expect", "matrix", "known_engine_bugs"}));
  if (in.Find("name") == nullptr) return in.Error("name", "missing (every scenario is named)");
  DIOH_RETURN_IF_ERROR(in.String("name", out.name));
  if (!IsScenarioName(out.name)) return in.Error("name", "must be lower-case letters, digits and '-' only");
  DIOH_RETURN_IF_ERROR(in.String("description", out.description));
  DIOH_RETURN_IF_ERROR(in.Object("diofs", [&](const ObjectReader& r) { return ReadDiofs(r, out.diofs); }));
  DIOH_RETURN_IF_ERROR(in.Object("guest", [&](const ObjectReader& r) { return ReadGuest(r, out.guest); }));
  if (const json* capabilities = in.Find("capabilities")) {
    if (!capabilities->is_object()) return in.Error("capabilities", "must be an object of NAME: true|false");
    DIOH_RETURN_IF_ERROR(in.Object("capabilities", [&](const ObjectReader& r) {
      return ReadCapabilities(r, *capabilities, out.capabilities);
    }));
  }
  if (const json* parameters = in.Find("parameters")) {
    if (!parameters->is_object()) return in.Error("parameters", "must be an object of migrate-set-parameters arguments");
    // QEMU's own checks of migrate-set-parameters arguments, with its
    // messages. Its parser takes the insertion-ordered JSON type: converted
    // value by value, members in this document's (sorted) order, so the first
    // unexpected member it names is the same as ever.
    auto changes = mrm::params::ParseSetParametersArguments(mrm::params::Json(*parameters));
    if (!changes.ok()) return in.Error("parameters", changes.status().message());
    out.parameters = *parameters;
  }
  DIOH_RETURN_IF_ERROR(in.Unsigned("uri_offset", out.uri_offset));
  DIOH_RETURN_IF_ERROR(in.Bool("preload", out.preload));
  DIOH_RETURN_IF_ERROR(in.Bool("load", out.load));
  DIOH_RETURN_IF_ERROR(in.Bool("no_direct_io_build", out.no_direct_io_build));
  if (const json* timeout = in.Find("timeout_seconds")) {
    // A day at most: larger values overflowed the deadline's clock arithmetic.
    if (!timeout->is_number() || !(timeout->get<double>() > 0 && timeout->get<double>() <= 86400)) {
      return in.Error("timeout_seconds", "must be a number of seconds in (0, 86400]");
    }
    out.timeout_seconds = timeout->get<double>();
  }
  DIOH_RETURN_IF_ERROR(in.Object("expect", [&](const ObjectReader& r) { return ReadExpect(r, out.expect); }));
  DIOH_RETURN_IF_ERROR(in.Bool("matrix", out.matrix));
  if (const json* bugs = in.Find("known_engine_bugs")) {
    if (!bugs->is_array()) return in.Error("known_engine_bugs", "must be a list of objects");
    for (std::size_t i = 0; i < bugs->size(); ++i) {
      KnownEngineBug bug;
      DIOH_RETURN_IF_ERROR(in.Object("known_engine_bugs", (*bugs)[i], "[" + std::to_string(i) + "].",
                                     [&](const ObjectReader& r) { return ReadKnownBug(r, bug); }));
      out.known_engine_bugs.push_back(std::move(bug));
    }
  }
  return Status::Ok();
}

// "line 3, column 7" of a byte position (1-based, as editors count).
std::string LineColumn(std::string_view text, std::size_t byte) {
  byte = std::min(byte, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Status CheckGuestRam(std::string_view ram) {
  auto blocks = mrm::ram::ParseRamSpec(ram);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) return Status::Error(EINVAL, "names no RAM block");
  std::set<std::string> names;
  for (const mrm::ram::RamBlockSpec& block : *blocks) {
    if (!names.insert(block.idstr).second) return Status::Error(EINVAL, "names block " + block.idstr + " twice");
  }
  return Status::Ok();
}

Result<Scenario> ParseScenario(std::string_view json_text, const std::string& file) {
  json document;
  try {
    document = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& error) {
    // nlohmann's byte is one past the offending character.
    const std::size_t byte = error.byte > 0 ? error.byte - 1 : 0;
    std::string reason = error.what();
    if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    return Status::Error(EINVAL, file + ": " + LineColumn(json_text, byte) + ": JSON syntax error: " + reason);
  }
  if (!document.is_object()) return Status::Error(EINVAL, file + ": a scenario must be a JSON object");
  Scenario scenario;
  scenario.source_file = file;
  DIOH_RETURN_IF_ERROR(ReadScenario(ObjectReader(file, "", document), scenario));
  return scenario;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  return ParseScenario(text.str(), path);
}

Result<std::vector<Scenario>> LoadScenarioDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") paths.push_back(entry.path().string());
  }
  if (ec) return Status::Error(ec.value(), dir + ": cannot list: " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<Scenario> scenarios;
  std::map<std::string, std::string> file_of_name;
  for (const std::string& path : paths) {
    auto scenario = LoadScenarioFile(path);
    if (!scenario.ok()) return scenario.status();
    const auto [it, fresh] = file_of_name.emplace(scenario->name, path);
    if (!fresh) {
      return Status::Error(EINVAL, path + ": field 'name': '" + scenario->name + "' is already the name of " + it->second);
    }
    scenarios.push_back(std::move(*scenario));
  }
  return scenarios;
}

}  // namespace dioh
