#include "migration/channel/channel_open.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "migration/channel/fake_file_io.h"

namespace mrm::channel {
namespace {

constexpr DirectIoDecision kOff{false, false};
constexpr DirectIoDecision kOn{true, true};
constexpr DirectIoDecision kRequestedOnly{true, false};

TEST(ChannelOpenFlags, MirrorsQemu) {
  InjectedBugs none;
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOn, none), O_CREAT | O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kIncoming, kOn, none), O_RDONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOn, none), O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kIncoming, kOn, none), O_RDONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOff, none), O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kRequestedOnly, none), O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kRequestedOnly, none), O_CREAT | O_WRONLY);
}

TEST(DirectIoEffective, NeedsAllThree) {
  EXPECT_TRUE(DirectIoEffective(true, true, true));
  EXPECT_FALSE(DirectIoEffective(true, true, false));
  EXPECT_FALSE(DirectIoEffective(true, false, true));
  EXPECT_FALSE(DirectIoEffective(false, true, true));
}

TEST(ChannelOpenFlags, InjectedBugs) {
  auto bugs = [](const char* name) { return *ParseInjectedBugs({name}); };
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOn, bugs("odirect-main-channel")),
            O_CREAT | O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kRequestedOnly, bugs("ungated-direct-io")),
            O_CREAT | O_WRONLY | O_DIRECT);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMultifd, Direction::kOutgoing, kOn, bugs("silent-buffered-fallback")),
            O_WRONLY);
  EXPECT_EQ(ChannelOpenFlags(ChannelRole::kMain, Direction::kOutgoing, kOff, bugs("truncate-prefix")),
            O_CREAT | O_WRONLY | O_TRUNC);
  EXPECT_TRUE(bugs("stale-zero-bits").has(InjectedBug::kZeroPagesInBitmap));  // the alias
  EXPECT_FALSE(ParseInjectedBugs({"no-such-bug"}).ok());
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
