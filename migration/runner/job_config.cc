#include "migration/runner/job_config.h"

#include <cerrno>

namespace mrm::runner {
namespace {

// What save and load share: where, the channels, the direct-io decision and
// the injected bugs, all as the parameters core left them when the command
// was accepted.
template <typename Config>
dioh::Status FillCommon(const qmp::MigrationJob& job, Config& config) {
  if (job.uri.transport != params::Transport::kFile) {
    return dioh::Status::Error(EINVAL, "the mapped-ram engine migrates only to file: URIs");
  }
  config.path = job.uri.path;
  config.offset = job.uri.offset;
  config.mapped_ram = job.capabilities.enabled(params::Capability::kMappedRam);
  config.multifd = job.capabilities.enabled(params::Capability::kMultifd);
  config.channels = static_cast<uint32_t>(job.parameters.multifd_channels);
  config.direct_io = job.direct_io;
  config.inject = job.parameters.x_inject;
  return dioh::Status::Ok();
}

}  // namespace

dioh::Result<engine::SaveConfig> ToSaveConfig(const qmp::MigrationJob& job, const GuestSpec& guest) {
  engine::SaveConfig config;
  if (dioh::Status s = FillCommon(job, config); !s.ok()) return s;
  config.zero_page_detection = job.parameters.zero_page_detection;
  config.passes = guest.passes;
  config.content = guest.content;
  return config;
}

dioh::Result<engine::LoadConfig> ToLoadConfig(const qmp::MigrationJob& job, const GuestSpec& guest) {
  engine::LoadConfig config;
  if (dioh::Status s = FillCommon(job, config); !s.ok()) return s;
  // The destination checks every page against the source's seed model as it
  // stands after the last pass.
  config.verify = true;
  config.content = guest.content;
  config.verify_pass = guest.passes - 1;
  return config;
}

}  // namespace mrm::runner
