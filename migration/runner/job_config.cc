#include "migration/runner/job_config.h"

#include <cerrno>

namespace mrm::runner {
namespace {

engine::ZeroPageDetection ToEngine(params::ZeroPageDetection detection) {
  switch (detection) {
    case params::ZeroPageDetection::kNone: return engine::ZeroPageDetection::kNone;
    case params::ZeroPageDetection::kLegacy: return engine::ZeroPageDetection::kLegacy;
    case params::ZeroPageDetection::kMultifd: break;
  }
  return engine::ZeroPageDetection::kMultifd;
}

// What save and load share: where, the channels and the O_DIRECT decision
// (taken by the parameters core when the command was accepted).
template <typename Config>
dioh::Status FillCommon(const qmp::MigrationJob& job, Config& config) {
  if (job.uri.transport != params::Transport::kFile) {
    return dioh::Status::Error(EINVAL, "the mapped-ram engine migrates only to file: URIs");
  }
  auto inject = channel::ParseInjectedBugs(job.parameters.x_inject);
  if (!inject.ok()) return inject.status();
  config.path = job.uri.path;
  config.offset = job.uri.offset;
  config.mapped_ram = job.capabilities.enabled(params::Capability::kMappedRam);
  config.multifd = job.capabilities.enabled(params::Capability::kMultifd);
  config.channels = static_cast<uint32_t>(job.parameters.multifd_channels);
  config.direct_io_effective = job.direct_io_effective;
  config.inject = *inject;
  return dioh::Status::Ok();
}

}  // namespace

dioh::Result<engine::SaveConfig> ToSaveConfig(const qmp::MigrationJob& job, const GuestSpec& guest) {
  engine::SaveConfig config;
  if (dioh::Status s = FillCommon(job, config); !s.ok()) return s;
  config.direct_io = job.parameters.direct_io;
  config.zero_page_detection = ToEngine(job.parameters.zero_page_detection);
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
