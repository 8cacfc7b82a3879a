#include "common/status/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace dioh {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), 0);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::Error(EINVAL, "alignment 3 is not a power of two");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), EINVAL);
  EXPECT_EQ(s.ToString(), "alignment 3 is not a power of two (EINVAL)");
  EXPECT_EQ(s.WithContext("--dio-align").message(), "--dio-align: alignment 3 is not a power of two");
}

Status FailsWhenNegative(int v) {
  if (v < 0) return Status::Error(ERANGE, "negative");
  return Status::Ok();
}

Status Chain(int v) {
  DIOH_RETURN_IF_ERROR(FailsWhenNegative(v));
  return Status::Error(EIO, "reached the end");
}

TEST(StatusTest, ReturnIfErrorStopsEarly) {
  EXPECT_EQ(Chain(-1).code(), ERANGE);
  EXPECT_EQ(Chain(1).code(), EIO);
}

TEST(StatusTest, ErrnoStatusNamesWhatFailedAndWhy) {
  const Status named = ErrnoStatus(ENOENT, "open /x");
  EXPECT_EQ(named.code(), ENOENT);
  EXPECT_EQ(named.message(), "open /x: No such file or directory");
  errno = EACCES;
  EXPECT_EQ(ErrnoStatus(errno, "mkdir /y").message(), "mkdir /y: Permission denied");
  EXPECT_EQ(ErrnoStatus(0, "lost").code(), EIO);  // never an OK Status from a failure
}

TEST(ResultTest, HoldsValueOrError) {
  Result<std::string> good(std::string("x"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "x");
  EXPECT_TRUE(good.status().ok());

  Result<std::string> bad(Status::Error(ENOENT, "no such profile"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ENOENT);
}

}  // namespace
}  // namespace dioh
