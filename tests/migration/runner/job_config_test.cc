#include "migration/runner/job_config.h"

#include <gtest/gtest.h>

namespace mrm::runner {
namespace {

qmp::MigrationJob FileJob() {
  qmp::MigrationJob job;
  job.uri.path = "/tmp/guest.img";
  job.uri.offset = 0x1000;
  job.capabilities.set(params::Capability::kMappedRam, true);
  job.capabilities.set(params::Capability::kMultifd, true);
  job.parameters.multifd_channels = 4;
  job.parameters.direct_io = true;
  job.parameters.zero_page_detection = model::ZeroPageDetection::kLegacy;
  job.parameters.x_inject = {model::InjectedBug::kZeroPagesInBitmap, model::InjectedBug::kTruncatePrefix};
  job.direct_io = model::DirectIo::Decide(true, true, true);
  return job;
}

GuestSpec Guest() {
  GuestSpec guest;
  guest.content.seed = 9;
  guest.passes = 3;
  return guest;
}

TEST(JobConfigTest, SaveTakesTheJobSnapshot) {
  auto config = ToSaveConfig(FileJob(), Guest());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->path, "/tmp/guest.img");
  EXPECT_EQ(config->offset, 0x1000u);
  EXPECT_TRUE(config->mapped_ram);
  EXPECT_TRUE(config->multifd);
  EXPECT_EQ(config->channels, 4u);
  EXPECT_EQ(config->direct_io, model::DirectIo::Decide(true, true, true));
  EXPECT_EQ(config->zero_page_detection, model::ZeroPageDetection::kLegacy);
  EXPECT_EQ(config->inject, FileJob().parameters.x_inject);
  EXPECT_EQ(config->content.seed, 9u);
  EXPECT_EQ(config->passes, 3u);
}

// direct-io set but not effective (no multifd): the engine gets the
// parameters core's decision as it is.
TEST(JobConfigTest, DirectIoIsTheCallersDecision) {
  qmp::MigrationJob job = FileJob();
  job.capabilities.set(params::Capability::kMultifd, false);
  job.direct_io = model::DirectIo::Decide(true, true, false);
  auto save = ToSaveConfig(job, Guest());
  ASSERT_TRUE(save.ok());
  EXPECT_TRUE(save->direct_io.requested());
  EXPECT_FALSE(save->direct_io.effective());
  EXPECT_FALSE(save->multifd);
  auto load = ToLoadConfig(job, Guest());
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load->direct_io, job.direct_io);
}

TEST(JobConfigTest, LoadVerifiesAgainstTheLastPass) {
  auto config = ToLoadConfig(FileJob(), Guest());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->path, "/tmp/guest.img");
  EXPECT_EQ(config->offset, 0x1000u);
  EXPECT_EQ(config->channels, 4u);
  EXPECT_TRUE(config->direct_io.effective());
  EXPECT_TRUE(config->verify);
  EXPECT_EQ(config->content.seed, 9u);
  EXPECT_EQ(config->verify_pass, 2u);
  EXPECT_TRUE(config->inject.has(model::InjectedBug::kTruncatePrefix));
}

TEST(JobConfigTest, RefusesWhatTheEngineCannotTake) {
  qmp::MigrationJob job = FileJob();
  job.uri.transport = params::Transport::kSocket;
  EXPECT_EQ(ToSaveConfig(job, Guest()).status().message(), "the mapped-ram engine migrates only to file: URIs");
  EXPECT_EQ(ToLoadConfig(job, Guest()).status().message(), "the mapped-ram engine migrates only to file: URIs");
}

}  // namespace
}  // namespace mrm::runner
