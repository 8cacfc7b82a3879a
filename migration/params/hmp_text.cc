#include "migration/params/hmp_text.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <strings.h>

#include "migration/params/size_parse.h"

namespace mrm::params {
namespace {

std::string OnOff(bool value) { return value ? "on" : "off"; }

dioh::Status Expects(std::string_view name, const char* what) {
  return dioh::Status::Error(EINVAL, "Parameter '" + std::string(name) + "' expects " + what);
}

// The string input visitor's uint64: strtoull, base 0, whole string.
dioh::Result<std::uint64_t> ParseHmpUnsigned(std::string_view name, const std::string& text, ParamType type) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long number = std::strtoull(text.c_str(), &end, 0);
  if (text.empty() || errno != 0 || *end != '\0') return Expects(name, "uint64");
  if (type == ParamType::kUint8 && number > UINT8_MAX) return Expects(name, "uint8_t");
  if (type == ParamType::kUint32 && number > UINT32_MAX) return Expects(name, "uint32_t");
  return static_cast<std::uint64_t>(number);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Writes into `out` (a value built in place: returning the variant through a
// Result trips GCC 12's -Wmaybe-uninitialized under ASan).
dioh::Status ParseHmpValue(const ParamSpec& spec, const std::string& text, ParamValue& out) {
  switch (spec.type) {
    case ParamType::kUint8:
    case ParamType::kUint32:
    case ParamType::kUint64: {
      auto number = ParseHmpUnsigned(spec.name, text, spec.type);
      if (!number.ok()) return number.status();
      out = *number;
      return dioh::Status::Ok();
    }
    case ParamType::kSize: {
      // Bandwidths count MiB when no suffix is given (qemu_strtosz_MiB).
      const bool bandwidth = spec.name == "max-bandwidth" || spec.name == "avail-switchover-bandwidth";
      auto size = ParseSize(text, bandwidth ? kMiB : 1);
      if (bandwidth && (!size.ok() || *size > INT64_MAX)) {
        return dioh::Status::Error(EINVAL, "Invalid size " + text);
      }
      if (!size.ok() && size.status().code() == ERANGE) {
        return dioh::Status::Error(EINVAL, "Value '" + text + "' is out of range for parameter '" +
                                         std::string(spec.name) + "'");
      }
      if (!size.ok()) return Expects(spec.name, "a non-negative number below 2^64");
      out = *size;
      return dioh::Status::Ok();
    }
    case ParamType::kBool:
      for (const char* yes : {"on", "yes", "true"}) {
        if (strcasecmp(text.c_str(), yes) == 0) return out = true, dioh::Status::Ok();
      }
      for (const char* no : {"off", "no", "false"}) {
        if (strcasecmp(text.c_str(), no) == 0) return out = false, dioh::Status::Ok();
      }
      return dioh::Status::Error(EINVAL, "Invalid parameter type for '" + std::string(spec.name) +
                                       "', expected: boolean");
    case ParamType::kString:
    case ParamType::kEnum:
      out = text;
      return dioh::Status::Ok();
    case ParamType::kStringList:
      // cpr-exec-command is a command line (split on spaces); x-inject a list of names.
      out = Split(text, spec.name == "x-inject" ? ',' : ' ');
      return dioh::Status::Ok();
  }
  return dioh::Status::Error(EINVAL, "unreachable parameter type");
}

}  // namespace

std::string InfoMigrateParametersText(const MigrationParameters& p) {
  std::ostringstream out;
  out << "announce-initial: " << p.announce_initial << " ms\n"
      << "announce-max: " << p.announce_max << " ms\n"
      << "announce-rounds: " << p.announce_rounds << "\n"
      << "announce-step: " << p.announce_step << " ms\n"
      << "throttle-trigger-threshold: " << p.throttle_trigger_threshold << "\n"
      << "cpu-throttle-initial: " << p.cpu_throttle_initial << "\n"
      << "cpu-throttle-increment: " << p.cpu_throttle_increment << "\n"
      << "cpu-throttle-tailslow: " << OnOff(p.cpu_throttle_tailslow) << "\n"
      << "max-cpu-throttle: " << p.max_cpu_throttle << "\n"
      << "tls-creds: '" << p.tls_creds << "'\n"
      << "tls-hostname: '" << p.tls_hostname << "'\n"
      << "tls-authz: '" << p.tls_authz << "'\n"
      << "max-bandwidth: " << p.max_bandwidth << " bytes/second\n"
      << "avail-switchover-bandwidth: " << p.avail_switchover_bandwidth << " bytes/second\n"
      << "max-postcopy-bandwidth: " << p.max_postcopy_bandwidth << " bytes/second\n"
      << "downtime-limit: " << p.downtime_limit << " ms\n"
      << "x-checkpoint-delay: " << p.x_checkpoint_delay << " ms\n"
      << "multifd-channels: " << p.multifd_channels << "\n"
      << "multifd-compression: " << MultifdCompressionName(p.multifd_compression) << "\n";
  // Compression levels are shown only for the method in use.
  if (p.multifd_compression == MultifdCompression::kZlib) {
    out << "multifd-zlib-level: " << p.multifd_zlib_level << "\n";
  } else if (p.multifd_compression == MultifdCompression::kZstd) {
    out << "multifd-zstd-level: " << p.multifd_zstd_level << "\n";
  }
  out << "zero-page-detection: " << model::ZeroPageDetectionName(p.zero_page_detection) << "\n"
      << "xbzrle-cache-size: " << p.xbzrle_cache_size << " bytes\n"
      << "x-vcpu-dirty-limit-period: " << p.x_vcpu_dirty_limit_period << " ms\n"
      << "vcpu-dirty-limit: " << p.vcpu_dirty_limit << " MB/s\n"
      << "mode: " << MigModeName(p.mode) << "\n"
      << "direct-io: " << OnOff(p.direct_io) << "\n"
      << "cpr-exec-command:";
  for (const std::string& word : p.cpr_exec_command) out << " " << word;
  out << "\n";
  if (!p.x_inject.empty()) {  // ours, unstable: shown only when something is injected
    out << "x-inject:";
    for (const std::string& bug : p.x_inject.Names()) out << " " << bug;
    out << "\n";
  }
  return out.str();
}

std::string InfoMigrateCapabilitiesText(const CapabilitySet& capabilities) {
  std::string out;
  for (std::size_t i = 0; i < kCapabilityCount; ++i) {
    const auto capability = static_cast<Capability>(i);
    out += std::string(CapabilityName(capability)) + ": " + OnOff(capabilities.enabled(capability)) + "\n";
  }
  return out;
}

dioh::Result<ParameterChange> ParseHmpParameter(std::string_view name, std::string_view value) {
  const ParamSpec* spec = FindParameter(name);
  // qapi_enum_parse() on MigrationParameter.
  if (spec == nullptr) return dioh::Status::Error(EINVAL, "invalid parameter value: " + std::string(name));
  ParameterChange change{spec, ParamValue{}};
  DIOH_RETURN_IF_ERROR(ParseHmpValue(*spec, std::string(value), change.value));
  return change;
}

dioh::Result<CapabilityChange> ParseHmpCapability(std::string_view name, std::string_view state) {
  if (state != "on" && state != "off") return dioh::Status::Error(EINVAL, "Expected 'on' or 'off'");
  const auto capability = CapabilityFromName(name);
  if (!capability) return dioh::Status::Error(EINVAL, "invalid parameter value: " + std::string(name));
  return CapabilityChange{*capability, state == "on"};
}

}  // namespace mrm::params
