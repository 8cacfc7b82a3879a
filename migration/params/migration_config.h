// MigrationConfig: the capabilities and parameters of one migration state,
// changed only the QEMU way (migration/options.c): build the whole new set on
// a copy (migrate_params_test_apply), check it (migrate_params_check /
// migrate_caps_check), and only then apply it. A failed change leaves
// everything as it was.
#pragma once

#include <utility>
#include <vector>

#include "common/status/status.h"
#include "migration/model/direct_io.h"
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

  // direct-io as the parameter and the capabilities decide it (QEMU's
  // migrate_direct_io(), model::DirectIo::Decide).
  model::DirectIo direct_io() const;

  // migration_channels_and_transport_compatible(), QEMU's texts.
  dioh::Status CheckTransport(const MigrationUri& uri) const;

 private:
  BuildFeatures features_;
  CapabilitySet capabilities_;
  MigrationParameters parameters_;
};

}  // namespace mrm::params
