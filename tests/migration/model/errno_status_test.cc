#include "migration/model/errno_status.h"

#include <gtest/gtest.h>

namespace mrm::model {
namespace {

TEST(ErrnoStatusTest, QuotesTheErrnoAfterWhatFailed) {
  const dioh::Status status = ErrnoStatus(ENOENT, "Could not open '/nope'");
  EXPECT_EQ(status.code(), ENOENT);
  EXPECT_EQ(status.message(), "Could not open '/nope': No such file or directory");
  EXPECT_EQ(ErrnoText(EINVAL), "Invalid argument");
}

TEST(ErrnoStatusTest, AnUnsetErrnoIsStillAnError) {
  const dioh::Status status = ErrnoStatus(0, "pwritev");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), EIO);
}

TEST(ErrnoStatusTest, TheShortFormReadsErrno) {
  errno = ENOSPC;
  const dioh::Status status = ErrnoStatus("pwritev");
  EXPECT_EQ(status.code(), ENOSPC);
  EXPECT_EQ(status.message(), "pwritev: No space left on device");
}

}  // namespace
}  // namespace mrm::model
