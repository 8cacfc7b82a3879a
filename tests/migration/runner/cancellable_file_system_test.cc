#include "migration/runner/cancellable_file_system.h"

#include <fcntl.h>

#include <atomic>

#include <gtest/gtest.h>

#include "tests/migration/channel/fake_file_io.h"

namespace mrm::runner {
namespace {

TEST(CancellableFileSystemTest, PassesThroughUntilCancelledThenRefusesIo) {
  channel::FakeFileSystem fake;
  std::atomic<bool> cancelled{false};
  CancellableFileSystem fs(fake, [&cancelled] { return cancelled.load(); });
  auto file = fs.Open("/f", O_CREAT | O_RDWR, 0600);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const char data[4] = {'a', 'b', 'c', 'd'};
  auto written = (*file)->PWrite(data, sizeof data, 0);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, 4u);
  EXPECT_EQ((*file)->flags() & O_CREAT, O_CREAT);

  cancelled.store(true);
  EXPECT_EQ((*file)->PWrite(data, sizeof data, 4).status().code(), ECANCELED);
  char back[4];
  EXPECT_EQ((*file)->PRead(back, sizeof back, 0).status().message(), "migration cancelled");
  EXPECT_EQ(fs.Open("/f", O_RDONLY, 0).status().code(), ECANCELED);
  EXPECT_EQ(fake.Contents("/f").size(), 4u);  // nothing reached the file after the cancel
}

}  // namespace
}  // namespace mrm::runner
