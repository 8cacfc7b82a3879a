#include "migration/qmp/qmp_session.h"

#include <array>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "migration/qmp/hmp_commands.h"

namespace mrm::qmp {

using params::Json;

struct QmpSession::Reply {
  Json value;               // "return" when error_class is empty
  std::string error_class;  // GenericError, CommandNotFound
  std::string error_desc;
};

namespace {

constexpr std::array<const char*, 13> kCommands = {
    "qmp_capabilities",          "query-version",       "query-commands",
    "migrate-set-capabilities",  "query-migrate-capabilities",
    "migrate-set-parameters",    "query-migrate-parameters",
    "migrate",                   "migrate-incoming",    "query-migrate",
    "migrate_cancel",            "quit",                "human-monitor-command"};

bool IsCommand(const std::string& name) {
  for (const char* command : kCommands) {
    if (name == command) return true;
  }
  return false;
}

enum class ArgType { kString, kBool, kInt, kArray };
struct ArgSpec {
  const char* name;
  ArgType type;
  bool required;
};

// The QObject input visitor over a command's arguments: members in schema
// order (missing, wrong type), then the first member it does not know.
dioh::Status CheckArguments(const Json& arguments, std::initializer_list<ArgSpec> specs) {
  for (const ArgSpec& spec : specs) {
    const auto it = arguments.find(spec.name);
    if (it == arguments.end()) {
      if (spec.required) return dioh::Status::Error(EINVAL, std::string("Parameter '") + spec.name + "' is missing");
      continue;
    }
    const Json::value_t type = it->type();
    const char* expected = nullptr;
    if (spec.type == ArgType::kString && type != Json::value_t::string) expected = "string";
    if (spec.type == ArgType::kBool && type != Json::value_t::boolean) expected = "boolean";
    if (spec.type == ArgType::kInt && type != Json::value_t::number_integer &&
        type != Json::value_t::number_unsigned) {
      expected = "integer";
    }
    if (spec.type == ArgType::kArray && type != Json::value_t::array) expected = "array";
    if (expected != nullptr) {
      return dioh::Status::Error(EINVAL, std::string("Invalid parameter type for '") + spec.name +
                                       "', expected: " + expected);
    }
  }
  for (const auto& item : arguments.items()) {
    bool known = false;
    for (const ArgSpec& spec : specs) known = known || item.key() == spec.name;
    if (!known) return dioh::Status::Error(EINVAL, "Parameter '" + item.key() + "' is unexpected");
  }
  return dioh::Status::Ok();
}

}  // namespace

std::string QmpSession::Greeting() const {
  Json version = {{"qemu", {{"micro", version_.micro}, {"minor", version_.minor}, {"major", version_.major}}},
                  {"package", version_.package}};
  return ToQmpJson(Json{{"QMP", {{"version", version}, {"capabilities", Json::array({"oob"})}}}});
}

std::optional<std::string> QmpSession::EventLine(const Json& event) const {
  if (!negotiated_) return std::nullopt;
  return ToQmpJson(event);
}

QmpOutput QmpSession::Receive(std::string_view bytes) {
  QmpOutput output;
  for (dioh::Result<Json>& message : streamer_.Feed(bytes)) {
    Reply reply;
    if (!message.ok()) {
      reply.error_class = "GenericError";
      reply.error_desc = message.status().message();
    } else {
      reply = Dispatch(*message, output.quit);
    }
    Json response = Json::object();
    if (reply.error_class.empty()) {
      response["return"] = std::move(reply.value);
    } else {
      response["error"] = Json{{"class", reply.error_class}, {"desc", reply.error_desc}};
    }
    if (message.ok() && message->is_object() && message->contains("id")) response["id"] = message->at("id");
    output.lines.push_back(ToQmpJson(response));
    if (output.quit) {
      output.lines.push_back(ToQmpJson(
          MakeEvent("SHUTDOWN", Json{{"guest", false}, {"reason", "host-qmp-quit"}}, clock_())));
      break;
    }
  }
  return output;
}

QmpSession::Reply QmpSession::Dispatch(const Json& request, bool& quit) {
  auto generic = [](std::string desc) { return Reply{{}, "GenericError", std::move(desc)}; };
  // qmp_dispatch_check_obj()
  if (!request.is_object()) return generic("QMP input must be a JSON object");
  std::string command;
  std::string exec_key;
  for (const auto& item : request.items()) {
    const std::string& key = item.key();
    if (key == "execute" || (key == "exec-oob" && oob_enabled_)) {
      if (!item.value().is_string()) return generic("QMP input member '" + key + "' must be a string");
      if (!exec_key.empty()) return generic("QMP input member '" + key + "' clashes with '" + exec_key + "'");
      command = item.value().get<std::string>();
      exec_key = key;
    } else if (key == "arguments") {
      if (!item.value().is_object()) return generic("QMP input member 'arguments' must be an object");
    } else if (key != "id") {
      return generic("QMP input member '" + key + "' is unexpected");
    }
  }
  if (exec_key.empty()) return generic("QMP input lacks member 'execute'");
  const bool available = negotiated_ ? IsCommand(command) && command != "qmp_capabilities"
                                     : command == "qmp_capabilities";
  if (!available) {
    // monitor_qmp_dispatch() rewrites CommandNotFound while negotiating.
    if (!negotiated_) return Reply{{}, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"};
    if (command == "qmp_capabilities") {
      return Reply{{}, "CommandNotFound", "Capabilities negotiation is already complete, command ignored"};
    }
    return Reply{{}, "CommandNotFound", "The command " + command + " has not been found"};
  }
  if (exec_key == "exec-oob") return generic("The command " + command + " does not support OOB");
  const auto arguments = request.find("arguments");
  return Execute(command, arguments == request.end() ? Json::object() : *arguments, quit);
}

QmpSession::Reply QmpSession::Execute(const std::string& command, const Json& args, bool& quit) {
  auto result = [](const dioh::Status& status, Json value = Json::object()) {
    return status.ok() ? Reply{std::move(value), "", ""} : Reply{{}, "GenericError", status.message()};
  };
  const bool no_arguments_command = command == "query-version" || command == "query-commands" ||
                                    command == "query-migrate-capabilities" ||
                                    command == "query-migrate-parameters" || command == "query-migrate" ||
                                    command == "migrate_cancel" || command == "quit";
  if (no_arguments_command) {
    if (dioh::Status status = CheckArguments(args, {}); !status.ok()) return result(status);
  }
  if (command == "qmp_capabilities") {
    dioh::Status status = CheckArguments(args, {{"enable", ArgType::kArray, false}});
    if (!status.ok()) return result(status);
    bool oob = false;
    for (const Json& capability : args.value("enable", Json::array())) {
      if (!capability.is_string()) {
        return result(dioh::Status::Error(EINVAL, "Invalid parameter type for 'enable[0]', expected: string"));
      }
      if (capability != "oob") {
        return result(
            dioh::Status::Error(EINVAL, "Parameter 'null' does not accept value '" + capability.get<std::string>() + "'"));
      }
      oob = true;
    }
    negotiated_ = true;
    oob_enabled_ = oob;
    return result(dioh::Status::Ok());
  }
  if (command == "query-version") {
    return result(dioh::Status::Ok(),
                  Json{{"qemu", {{"micro", version_.micro}, {"minor", version_.minor}, {"major", version_.major}}},
                       {"package", version_.package}});
  }
  if (command == "query-commands") {
    Json list = Json::array();
    for (const char* name : kCommands) list.push_back(Json{{"name", name}});
    return result(dioh::Status::Ok(), std::move(list));
  }
  if (command == "migrate-set-capabilities") {
    auto changes = params::ParseSetCapabilitiesArguments(args);
    return result(changes.ok() ? controller_.SetCapabilities(*changes) : changes.status());
  }
  if (command == "query-migrate-capabilities") {
    return result(dioh::Status::Ok(), params::CapabilitiesToJson(controller_.config().capabilities()));
  }
  if (command == "migrate-set-parameters") {
    auto changes = params::ParseSetParametersArguments(args);
    return result(changes.ok() ? controller_.SetParameters(*changes) : changes.status());
  }
  if (command == "query-migrate-parameters") {
    return result(dioh::Status::Ok(), params::ParametersToJson(controller_.config().parameters()));
  }
  if (command == "migrate" || command == "migrate-incoming") {
    const bool outgoing = command == "migrate";
    dioh::Status status = outgoing ? CheckArguments(args, {{"uri", ArgType::kString, false},
                                                     {"detach", ArgType::kBool, false},
                                                     {"resume", ArgType::kBool, false}})
                             : CheckArguments(args, {{"uri", ArgType::kString, false},
                                                     {"exit-on-error", ArgType::kBool, false}});
    if (!status.ok()) return result(status);
    if (!args.contains("uri")) return result(dioh::Status::Error(EINVAL, "need either 'uri' or 'channels' argument"));
    const std::string uri = args.at("uri").get<std::string>();
    return result(outgoing ? controller_.Migrate(uri) : controller_.MigrateIncoming(uri));
  }
  if (command == "query-migrate") return result(dioh::Status::Ok(), controller_.QueryMigrate());
  if (command == "migrate_cancel") {
    controller_.Cancel();
    return result(dioh::Status::Ok());
  }
  if (command == "quit") {
    quit = true;
    return result(dioh::Status::Ok());
  }
  // human-monitor-command
  if (dioh::Status status = CheckArguments(args, {{"command-line", ArgType::kString, true},
                                            {"cpu-index", ArgType::kInt, false}});
      !status.ok()) {
    return result(status);
  }
  return result(dioh::Status::Ok(), ExecuteHmpCommand(controller_, args.at("command-line").get<std::string>()));
}

}  // namespace mrm::qmp
