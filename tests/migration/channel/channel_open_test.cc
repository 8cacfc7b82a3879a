#include "migration/channel/channel_open.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "tests/migration/channel/fake_file_io.h"

namespace mrm::channel {
namespace {

using model::Direction;
using model::InjectedBug;
const model::DirectIo kOff = model::DirectIo::Decide(false, true, true);
const model::DirectIo kOn = model::DirectIo::Decide(true, true, true);
const model::DirectIo kRequestedOnly = model::DirectIo::Decide(true, true, false);

TEST(ChannelOpenFlags, MirrorsQemu) {
  model::InjectedBugs none;
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOn, none), O_CREAT | O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kOn, none), O_RDONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOn, none), O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kIncoming, kOn, none), O_RDONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOff, none), O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kRequestedOnly, none), O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kRequestedOnly, none), O_CREAT | O_WRONLY);
}

TEST(ChannelOpenFlags, InjectedBugs) {
  const model::InjectedBugs main_direct{InjectedBug::kOdirectMainChannel}, ungated{InjectedBug::kUngatedDirectIo},
      fallback{InjectedBug::kSilentBufferedFallback}, truncate{InjectedBug::kTruncatePrefix};
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOn, main_direct), O_CREAT | O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kRequestedOnly, ungated),
            O_CREAT | O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOn, fallback), O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOff, truncate), O_CREAT | O_WRONLY | O_TRUNC);
  // A load's main channel takes odirect-main-channel only where direct-io is
  // effective, and never ungated-direct-io or truncate-prefix (the source's mistakes).
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kOn, main_direct), O_RDONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kRequestedOnly, main_direct), O_RDONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kRequestedOnly, ungated), O_RDONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kOff, truncate), O_RDONLY);
}

TEST(OpenChannelFile, DiagnosesMissingODirectSupport) {
  FakeOptions options;
  options.direct_supported = false;
  FakeFileSystem fs(options);
  ASSERT_TRUE(fs.Open("/m", O_CREAT | O_WRONLY).ok());
  auto file = OpenChannelFile(fs, "/m", O_WRONLY | O_DIRECT);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "Could not open '/m': filesystem does not support O_DIRECT");
  auto missing = OpenChannelFile(fs, "/nope", O_WRONLY);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "Could not open '/nope': No such file or directory");
}

}  // namespace
}  // namespace mrm::channel
