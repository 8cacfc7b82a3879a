// MigrationConfig: the capabilities and parameters of one migration state,
// changed only the QEMU way (migration/options.c): build the whole new set on
// a copy (migrate_params_test_apply), check it (migrate_params_check /
// migrate_caps_check), and only then apply it. A failed change leaves
// everything as it was.
#pragma once

#include <utility>
#include <vector>

#include "common/status/status.h"
#include "migration/params/capabilities.h"
#include "migration/params/file_uri.h"
#include "migration/params/parameters.h"

namespace mrm::params {

// What the build supports; a seam so tests can model a build without O_DIRECT.
struct BuildFeatures {
  bool direct_io = HasDirectIo();
};

struct ParameterChange {
  const ParamSpec* spec;
  ParamValue value;
};
struct CapabilityChange {
  Capability capability;
  bool enabled;
};

// migrate_direct_io() (migration/options.c): direct-io takes effect only with
// both mapped-ram and multifd. The one place this rule is written.
bool DirectIoEffective(bool direct_io, bool mapped_ram, bool multifd);

class MigrationConfig {
 public:
  explicit MigrationConfig(BuildFeatures features = {}) : features_(features) {}

  const CapabilitySet& capabilities() const { return capabilities_; }
  const MigrationParameters& parameters() const { return parameters_; }
  const BuildFeatures& features() const { return features_; }

  // qmp_migrate_set_parameters(): all or nothing.
  dioh::Status SetParameters(const std::vector<ParameterChange>& changes);
  // qmp_migrate_set_capabilities(): all or nothing.
  dioh::Status SetCapabilities(const std::vector<CapabilityChange>& changes);

  // QEMU's migrate_direct_io(): O_DIRECT is used only with mapped-ram (aligned
  // page offsets) and multifd (the unaligned stream stays on the main channel).
  bool direct_io_effective() const;

  // migration_channels_and_transport_compatible(), QEMU's texts.
  dioh::Status CheckTransport(const MigrationUri& uri) const;

 private:
  BuildFeatures features_;
  CapabilitySet capabilities_;
  MigrationParameters parameters_;
};

}  // namespace mrm::params
