// Migration parameters with QEMU's names, types, defaults and checks
// (qapi/migration.json MigrationParameters, migration/options.c
// migration_properties and migrate_params_check()), plus the unstable
// `x-inject` list of injected bugs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status/status.h"
#include "migration/model/injected_bugs.h"
#include "migration/model/zero_page_detection.h"
#include "migration/params/capabilities.h"

namespace mrm::params {

enum class MigMode { kNormal, kCprReboot, kCprTransfer, kCprExec };
enum class MultifdCompression { kNone, kZlib, kZstd };

inline constexpr std::uint64_t kMiB = 1024 * 1024;

struct MigrationParameters {
  std::uint64_t announce_initial = 50;  // ms
  std::uint64_t announce_max = 550;     // ms
  std::uint64_t announce_rounds = 5;
  std::uint64_t announce_step = 100;    // ms
  std::uint64_t throttle_trigger_threshold = 50;
  std::uint64_t cpu_throttle_initial = 20;
  std::uint64_t cpu_throttle_increment = 10;
  bool cpu_throttle_tailslow = false;
  std::string tls_creds;
  std::string tls_hostname;
  std::string tls_authz;
  // QEMU's MAX_THROTTLE: a save is capped at 128 MiB/s unless this is set to 0.
  std::uint64_t max_bandwidth = 128 * kMiB;  // bytes/second, 0 = unlimited
  std::uint64_t avail_switchover_bandwidth = 0;
  std::uint64_t downtime_limit = 300;         // ms
  std::uint64_t x_checkpoint_delay = 20000;   // ms
  std::uint64_t multifd_channels = 2;
  std::uint64_t xbzrle_cache_size = 64 * kMiB;
  std::uint64_t max_postcopy_bandwidth = 0;
  std::uint64_t max_cpu_throttle = 99;
  MultifdCompression multifd_compression = MultifdCompression::kNone;
  std::uint64_t multifd_zlib_level = 1;
  std::uint64_t multifd_qatzip_level = 1;  // QMP only: `info migrate_parameters` does not print it
  std::uint64_t multifd_zstd_level = 1;
  std::uint64_t x_vcpu_dirty_limit_period = 1000;  // ms
  std::uint64_t vcpu_dirty_limit = 1;              // MB/s
  MigMode mode = MigMode::kNormal;
  model::ZeroPageDetection zero_page_detection = model::ZeroPageDetection::kMultifd;
  bool direct_io = false;
  std::vector<std::string> cpr_exec_command;
  model::InjectedBugs x_inject;

  bool operator==(const MigrationParameters&) const = default;
};

// How QAPI types a parameter: decides how a JSON or HMP value is checked.
enum class ParamType { kUint8, kUint32, kUint64, kSize, kBool, kString, kEnum, kStringList };

using FieldPtr = std::variant<std::uint64_t MigrationParameters::*, bool MigrationParameters::*,
                              std::string MigrationParameters::*,
                              std::vector<std::string> MigrationParameters::*,
                              model::ZeroPageDetection MigrationParameters::*, MigMode MigrationParameters::*,
                              MultifdCompression MigrationParameters::*, model::InjectedBugs MigrationParameters::*>;

struct ParamSpec {
  std::string_view name;  // QAPI member name, e.g. "direct-io"
  ParamType type;
  FieldPtr field;
  std::span<const std::string_view> choices;  // kEnum: names in enum order
};

// A value of a parameter's type: integers, bool, string (also enum names),
// string list (also x-inject, as bug names).
using ParamValue = std::variant<std::uint64_t, bool, std::string, std::vector<std::string>>;

// Every parameter, in QAPI MigrateSetParameters member order (the order QEMU
// visits, hence the order in which it reports the first bad member).
std::span<const ParamSpec> ParameterSpecs();
const ParamSpec* FindParameter(std::string_view name);

ParamValue GetParameter(const MigrationParameters& params, const ParamSpec& spec);
// `value` must already be of the spec's type (ParseParameter* guarantee it);
// an enum name outside spec.choices, or an unknown x-inject bug, is an error.
dioh::Status SetParameter(MigrationParameters& params, const ParamSpec& spec, const ParamValue& value);

// The build probe behind QEMU's qemu_has_direct_io(): true where O_DIRECT exists.
bool HasDirectIo();

// QEMU's migrate_params_check() on the whole parameter set after a change, with
// QEMU's messages. `build_has_direct_io` is the result of the build probe (a
// seam: tests pass false to model a build without O_DIRECT).
dioh::Status CheckParameters(const MigrationParameters& params, const CapabilitySet& caps,
                       bool build_has_direct_io);

std::string_view MigModeName(MigMode value);
std::string_view MultifdCompressionName(MultifdCompression value);

}  // namespace mrm::params
