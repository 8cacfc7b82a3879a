// QEMU 10.0's texts for failed channel I/O, as query-migrate shows them.
#include "migration/channel/io_errors.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace mrm::channel {
namespace {

TEST(IoErrorsTest, TextsAreQemus) {
  EXPECT_EQ(UnableToWriteToFile(EINVAL), "Unable to write to file: Invalid argument");
  EXPECT_EQ(UnableToWriteToFile(ENOSPC), "Unable to write to file: No space left on device");
  EXPECT_EQ(UnableToReadFromFile(EIO), "Unable to read from file: Input/output error");
  EXPECT_EQ(PartialWrite(2048, 20480), "Partial write of size 2048, expected 20480");
  EXPECT_EQ(CouldNotCreate("/no/x", ENOENT), "Could not create '/no/x': No such file or directory");
  EXPECT_EQ(CouldNotOpen("/x", EACCES), "Could not open '/x': Permission denied");
}

}  // namespace
}  // namespace mrm::channel
