#include "migration/params/migration_config.h"

#include <cerrno>

namespace mrm::params {

dioh::Status MigrationConfig::SetParameters(const std::vector<ParameterChange>& changes) {
  MigrationParameters candidate = parameters_;  // migrate_params_test_apply()
  for (const ParameterChange& change : changes) {
    DIOH_RETURN_IF_ERROR(SetParameter(candidate, *change.spec, change.value));
  }
  DIOH_RETURN_IF_ERROR(CheckParameters(candidate, capabilities_, features_.direct_io));
  parameters_ = std::move(candidate);  // migrate_params_apply()
  return dioh::Status::Ok();
}

dioh::Status MigrationConfig::SetCapabilities(const std::vector<CapabilityChange>& changes) {
  CapabilitySet candidate = capabilities_;
  for (const CapabilityChange& change : changes) candidate.set(change.capability, change.enabled);
  DIOH_RETURN_IF_ERROR(CheckCapabilities(candidate,
                                         parameters_.multifd_compression != MultifdCompression::kNone,
                                         !parameters_.tls_creds.empty()));
  capabilities_ = candidate;
  return dioh::Status::Ok();
}

model::DirectIo MigrationConfig::direct_io() const {
  return model::DirectIo::Decide(parameters_.direct_io, capabilities_.enabled(Capability::kMappedRam),
                                 capabilities_.enabled(Capability::kMultifd));
}

dioh::Status MigrationConfig::CheckTransport(const MigrationUri& uri) const {
  const bool mapped_ram = capabilities_.enabled(Capability::kMappedRam);
  const bool multifd = capabilities_.enabled(Capability::kMultifd);
  const bool file = uri.transport == Transport::kFile;
  // A file carries several channels only because mapped-ram gives each page a
  // fixed offset (transport_supports_multi_channels()).
  const bool multi_channel = uri.transport == Transport::kSocket || (file && mapped_ram);
  if (mapped_ram && !file) {
    return dioh::Status::Error(EINVAL, "Migration requires seekable transport (e.g. file)");
  }
  if (multifd && !multi_channel) {
    return dioh::Status::Error(EINVAL, "Migration requires multi-channel URIs (e.g. tcp)");
  }
  if (multifd && direct_io().effective() && !file) {
    return dioh::Status::Error(EINVAL, "Migration requires a transport that allows for extra fds (e.g. file)");
  }
  if (parameters_.mode == MigMode::kCprTransfer && file) {
    return dioh::Status::Error(EINVAL, "Migration requires streamable transport (eg unix)");
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::params
