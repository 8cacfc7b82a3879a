#include "harness/os/errno_status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace dioh {
namespace {

TEST(ErrnoStatusTest, KeepsTheErrnoAndSaysWhatFailedAndWhy) {
  const Status status = ErrnoStatus(ENOENT, "open /x");
  EXPECT_EQ(status.code(), ENOENT);
  EXPECT_EQ(status.message(), "open /x: No such file or directory");
  EXPECT_EQ(ErrnoText(EACCES), "Permission denied");
}

TEST(ErrnoStatusTest, ACallThatSetNoErrnoIsStillAnError) {
  const Status status = ErrnoStatus(0, "read /x");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), EIO);
  EXPECT_EQ(status.message(), "read /x: Success");  // the words say what errno held
}

TEST(ErrnoStatusTest, ErrnoNamesOfOpLogResults) {
  EXPECT_EQ(ErrnoName(-EINVAL), "EINVAL");
  EXPECT_EQ(ErrnoName(-ENOSPC), "ENOSPC");
  EXPECT_EQ(ErrnoName(0), "");
  EXPECT_EQ(ErrnoName(4096), "");
  EXPECT_EQ(ErrnoName(-100000), "errno100000");
}

}  // namespace
}  // namespace dioh
