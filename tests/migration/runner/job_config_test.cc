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
  job.parameters.zero_page_detection = params::ZeroPageDetection::kLegacy;
  job.parameters.x_inject = {"stale-zero-bits", "truncate-prefix"};
  job.direct_io_effective = true;
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
  EXPECT_TRUE(config->direct_io);
  EXPECT_TRUE(config->direct_io_effective);
  EXPECT_EQ(config->zero_page_detection, engine::ZeroPageDetection::kLegacy);
  EXPECT_EQ(config->inject.Names(), (std::vector<std::string>{"zero-pages-in-bitmap", "truncate-prefix"}));
  EXPECT_EQ(config->content.seed, 9u);
  EXPECT_EQ(config->passes, 3u);
}

// direct-io set but not effective (no multifd): the engine gets the
// parameters core's decision, not the raw parameter.
TEST(JobConfigTest, DirectIoEffectiveIsTheCallersDecision) {
  qmp::MigrationJob job = FileJob();
  job.capabilities.set(params::Capability::kMultifd, false);
  job.direct_io_effective = false;
  auto save = ToSaveConfig(job, Guest());
  ASSERT_TRUE(save.ok());
  EXPECT_TRUE(save->direct_io);
  EXPECT_FALSE(save->direct_io_effective);
  EXPECT_FALSE(save->multifd);
  auto load = ToLoadConfig(job, Guest());
  ASSERT_TRUE(load.ok());
  EXPECT_FALSE(load->direct_io_effective);
}

TEST(JobConfigTest, LoadVerifiesAgainstTheLastPass) {
  auto config = ToLoadConfig(FileJob(), Guest());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->path, "/tmp/guest.img");
  EXPECT_EQ(config->offset, 0x1000u);
  EXPECT_EQ(config->channels, 4u);
  EXPECT_TRUE(config->direct_io_effective);
  EXPECT_TRUE(config->verify);
  EXPECT_EQ(config->content.seed, 9u);
  EXPECT_EQ(config->verify_pass, 2u);
  EXPECT_TRUE(config->inject.has(params::InjectedBug::kTruncatePrefix));
}

TEST(JobConfigTest, RefusesWhatTheEngineCannotTake) {
  qmp::MigrationJob job = FileJob();
  job.uri.transport = params::Transport::kSocket;
  EXPECT_EQ(ToSaveConfig(job, Guest()).status().message(), "the mapped-ram engine migrates only to file: URIs");
  job = FileJob();
  job.parameters.x_inject = {"no-such-bug"};
  EXPECT_NE(ToLoadConfig(job, Guest()).status().message().find("unknown x-inject bug 'no-such-bug'"),
            std::string::npos);
}

}  // namespace
}  // namespace mrm::runner
