#include "migration/runner/job_config.h"

#include <cerrno>

namespace dioh::migration {
namespace {

mrm::engine::ZeroPageDetection ToEngine(ZeroPageDetection detection) {
  switch (detection) {
    case ZeroPageDetection::kNone: return mrm::engine::ZeroPageDetection::kNone;
    case ZeroPageDetection::kLegacy: return mrm::engine::ZeroPageDetection::kLegacy;
    case ZeroPageDetection::kMultifd: break;
  }
  return mrm::engine::ZeroPageDetection::kMultifd;
}

// What save and load share: where, the channels and the O_DIRECT decision
// (taken by the parameters core when the command was accepted).
template <typename Config>
Status FillCommon(const MigrationJob& job, Config& config) {
  if (job.uri.transport != Transport::kFile) {
    return Status::Error(EINVAL, "the mapped-ram engine migrates only to file: URIs");
  }
  auto inject = mrm::channel::ParseInjectedBugs(job.parameters.x_inject);
  if (!inject.ok()) return inject.status();
  config.path = job.uri.path;
  config.offset = job.uri.offset;
  config.mapped_ram = job.capabilities.enabled(Capability::kMappedRam);
  config.multifd = job.capabilities.enabled(Capability::kMultifd);
  config.channels = static_cast<uint32_t>(job.parameters.multifd_channels);
  config.direct_io_effective = job.direct_io_effective;
  config.inject = *inject;
  return Status::Ok();
}

}  // namespace

Result<mrm::engine::SaveConfig> ToSaveConfig(const MigrationJob& job, const GuestSpec& guest) {
  mrm::engine::SaveConfig config;
  if (Status s = FillCommon(job, config); !s.ok()) return s;
  config.direct_io = job.parameters.direct_io;
  config.zero_page_detection = ToEngine(job.parameters.zero_page_detection);
  config.passes = guest.passes;
  config.content = guest.content;
  return config;
}

Result<mrm::engine::LoadConfig> ToLoadConfig(const MigrationJob& job, const GuestSpec& guest) {
  mrm::engine::LoadConfig config;
  if (Status s = FillCommon(job, config); !s.ok()) return s;
  // The destination checks every page against the source's seed model as it
  // stands after the last pass.
  config.verify = true;
  config.content = guest.content;
  config.verify_pass = guest.passes - 1;
  return config;
}

}  // namespace dioh::migration
