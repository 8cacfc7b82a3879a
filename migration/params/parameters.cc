#include "migration/params/parameters.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace mrm::params {
namespace {

using P = MigrationParameters;

constexpr std::array<std::string_view, 4> kMigModeNames = {"normal", "cpr-reboot", "cpr-transfer",
                                                           "cpr-exec"};
constexpr std::array<std::string_view, 3> kMultifdCompressionNames = {"none", "zlib", "zstd"};

// QAPI MigrateSetParameters member order; x-inject (ours) last.
const std::array<ParamSpec, 30> kSpecs = {{
    {"announce-initial", ParamType::kSize, &P::announce_initial, {}},
    {"announce-max", ParamType::kSize, &P::announce_max, {}},
    {"announce-rounds", ParamType::kSize, &P::announce_rounds, {}},
    {"announce-step", ParamType::kSize, &P::announce_step, {}},
    {"throttle-trigger-threshold", ParamType::kUint8, &P::throttle_trigger_threshold, {}},
    {"cpu-throttle-initial", ParamType::kUint8, &P::cpu_throttle_initial, {}},
    {"cpu-throttle-increment", ParamType::kUint8, &P::cpu_throttle_increment, {}},
    {"cpu-throttle-tailslow", ParamType::kBool, &P::cpu_throttle_tailslow, {}},
    {"tls-creds", ParamType::kString, &P::tls_creds, {}},
    {"tls-hostname", ParamType::kString, &P::tls_hostname, {}},
    {"tls-authz", ParamType::kString, &P::tls_authz, {}},
    {"max-bandwidth", ParamType::kSize, &P::max_bandwidth, {}},
    {"avail-switchover-bandwidth", ParamType::kSize, &P::avail_switchover_bandwidth, {}},
    {"downtime-limit", ParamType::kUint64, &P::downtime_limit, {}},
    {"x-checkpoint-delay", ParamType::kUint32, &P::x_checkpoint_delay, {}},
    {"multifd-channels", ParamType::kUint8, &P::multifd_channels, {}},
    {"xbzrle-cache-size", ParamType::kSize, &P::xbzrle_cache_size, {}},
    {"max-postcopy-bandwidth", ParamType::kSize, &P::max_postcopy_bandwidth, {}},
    {"max-cpu-throttle", ParamType::kUint8, &P::max_cpu_throttle, {}},
    {"multifd-compression", ParamType::kEnum, &P::multifd_compression, kMultifdCompressionNames},
    {"multifd-zlib-level", ParamType::kUint8, &P::multifd_zlib_level, {}},
    {"multifd-qatzip-level", ParamType::kUint8, &P::multifd_qatzip_level, {}},
    {"multifd-zstd-level", ParamType::kUint8, &P::multifd_zstd_level, {}},
    {"x-vcpu-dirty-limit-period", ParamType::kUint64, &P::x_vcpu_dirty_limit_period, {}},
    {"vcpu-dirty-limit", ParamType::kUint64, &P::vcpu_dirty_limit, {}},
    {"mode", ParamType::kEnum, &P::mode, kMigModeNames},
    {"zero-page-detection", ParamType::kEnum, &P::zero_page_detection, model::kZeroPageDetectionNames},
    {"direct-io", ParamType::kBool, &P::direct_io, {}},
    {"cpr-exec-command", ParamType::kStringList, &P::cpr_exec_command, {}},
    {"x-inject", ParamType::kStringList, &P::x_inject, {}},
}};

std::span<const ParamSpec> Specs() { return kSpecs; }

dioh::Status Invalid(std::string_view name, std::string_view expects) {
  return dioh::Status::Error(EINVAL, "Parameter '" + std::string(name) + "' expects " + std::string(expects));
}

template <typename Enum>
dioh::Status SetEnum(Enum& field, std::span<const std::string_view> choices, std::string_view name,
               const std::string& value) {
  const auto it = std::find(choices.begin(), choices.end(), value);
  if (it == choices.end()) {
    return dioh::Status::Error(EINVAL, "Parameter '" + std::string(name) + "' does not accept value '" +
                                     value + "'");
  }
  field = static_cast<Enum>(it - choices.begin());
  return dioh::Status::Ok();
}

}  // namespace

std::span<const ParamSpec> ParameterSpecs() { return Specs(); }

const ParamSpec* FindParameter(std::string_view name) {
  for (const ParamSpec& spec : Specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

ParamValue GetParameter(const MigrationParameters& params, const ParamSpec& spec) {
  return std::visit(
      [&](auto member) -> ParamValue {
        const auto& field = params.*member;
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_enum_v<T>) {
          return std::string(spec.choices[static_cast<std::size_t>(field)]);
        } else if constexpr (std::is_same_v<T, model::InjectedBugs>) {
          return field.Names();
        } else {
          return field;
        }
      },
      spec.field);
}

dioh::Status SetParameter(MigrationParameters& params, const ParamSpec& spec, const ParamValue& value) {
  return std::visit(
      [&](auto member) -> dioh::Status {
        auto& field = params.*member;
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_enum_v<T>) {
          return SetEnum(field, spec.choices, spec.name, std::get<std::string>(value));
        } else if constexpr (std::is_same_v<T, model::InjectedBugs>) {  // aliases resolved here
          auto bugs = model::ParseInjectedBugs(std::get<std::vector<std::string>>(value));
          if (!bugs.ok()) return bugs.status();
          field = std::move(*bugs);
          return dioh::Status::Ok();
        } else {
          field = std::get<T>(value);
          return dioh::Status::Ok();
        }
      },
      spec.field);
}

bool HasDirectIo() {
#ifdef O_DIRECT
  return true;
#else
  return false;
#endif
}

// migrate_params_check(): same checks, same order, same messages (QEMU spells
// most names with underscores here, unlike QAPI).
dioh::Status CheckParameters(const MigrationParameters& p, const CapabilitySet& caps,
                       bool build_has_direct_io) {
  if (p.throttle_trigger_threshold < 1 || p.throttle_trigger_threshold > 100) {
    return Invalid("throttle_trigger_threshold", "an integer in the range of 1 to 100");
  }
  if (p.cpu_throttle_initial < 1 || p.cpu_throttle_initial > 99) {
    return Invalid("cpu_throttle_initial", "an integer in the range of 1 to 99");
  }
  if (p.cpu_throttle_increment < 1 || p.cpu_throttle_increment > 99) {
    return Invalid("cpu_throttle_increment", "an integer in the range of 1 to 99");
  }
  if (p.downtime_limit > 2000 * 1000) {
    // stringify(MAX_MIGRATE_DOWNTIME): the macro's text, as QEMU 10.0.2 prints it.
    return Invalid("downtime_limit", "an integer in the range of 0 to (2000 * 1000) ms");
  }
  if (p.multifd_channels < 1) return Invalid("multifd_channels", "a value between 1 and 255");
  if (p.multifd_zlib_level > 9) return Invalid("multifd_zlib_level", "a value between 0 and 9");
  if (p.multifd_qatzip_level < 1 || p.multifd_qatzip_level > 9) {
    return Invalid("multifd_qatzip_level", "a value between 1 and 9");
  }
  if (p.multifd_zstd_level > 20) return Invalid("multifd_zstd_level", "a value between 0 and 20");
  const std::uint64_t page_size = 4096;
  if (p.xbzrle_cache_size < page_size || (p.xbzrle_cache_size & (p.xbzrle_cache_size - 1)) != 0) {
    return Invalid("xbzrle_cache_size", "a power of two no less than the target page size");
  }
  if (p.max_cpu_throttle < p.cpu_throttle_initial || p.max_cpu_throttle > 99) {
    return Invalid("max_cpu_throttle", "an integer in the range of cpu_throttle_initial to 99");
  }
  if (p.announce_initial > 100000) return Invalid("announce_initial", "a value between 0 and 100000");
  if (p.announce_max > 100000) return Invalid("announce_max", "a value between 0 and 100000");
  if (p.announce_rounds > 1000) return Invalid("announce_rounds", "a value between 0 and 1000");
  if (p.announce_step < 1 || p.announce_step > 10000) {
    return Invalid("announce_step", "a value between 0 and 10000");
  }
  const bool compression = p.multifd_compression != MultifdCompression::kNone;
  const bool tls = !p.tls_creds.empty();
  if (caps.enabled(Capability::kZeroCopySend) && (compression || tls)) {
    return dioh::Status::Error(EINVAL, "Zero copy only available for non-compressed non-TLS multifd migration");
  }
  if (caps.enabled(Capability::kMappedRam) && (compression || tls)) {
    return dioh::Status::Error(EINVAL, "Mapped-ram only available for non-compressed non-TLS multifd migration");
  }
  if (p.x_vcpu_dirty_limit_period < 1 || p.x_vcpu_dirty_limit_period > 1000) {
    return Invalid("x-vcpu-dirty-limit-period", "a value between 1 and 1000");
  }
  if (p.vcpu_dirty_limit < 1) {
    return dioh::Status::Error(EINVAL, "Parameter 'vcpu_dirty_limit' must be greater than 1 MB/s");
  }
  if (p.direct_io && !build_has_direct_io) {
    return dioh::Status::Error(EINVAL, "No build-time support for direct-io");
  }
  return dioh::Status::Ok();
}

std::string_view MigModeName(MigMode value) { return kMigModeNames[static_cast<std::size_t>(value)]; }
std::string_view MultifdCompressionName(MultifdCompression value) {
  return kMultifdCompressionNames[static_cast<std::size_t>(value)];
}

}  // namespace mrm::params
