#include "migration/params/file_uri.h"

#include <gtest/gtest.h>

namespace mrm::params {
namespace {

TEST(FileUriTest, PathAndOffset) {
  auto uri = ParseMigrationUri("file:/tmp/mig.img");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->transport, Transport::kFile);
  EXPECT_EQ(uri->path, "/tmp/mig.img");
  EXPECT_EQ(uri->offset, 0u);

  uri = ParseMigrationUri("file:/tmp/a,b.img,offset=0x100000");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->path, "/tmp/a,b.img");
  EXPECT_EQ(uri->offset, 0x100000u);

  uri = ParseMigrationUri("file:/x,offset=4M");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->offset, 4u << 20);
}

TEST(FileUriTest, BadOffsetHasQemusText) {
  auto uri = ParseMigrationUri("file:/tmp/m,offset=0x20M");
  ASSERT_FALSE(uri.ok());
  EXPECT_EQ(uri.status().message(), "file URI has bad offset 0x20M: Invalid argument");
  EXPECT_EQ(ParseMigrationUri("file:/tmp/m,offset=").status().message(),
            "file URI has bad offset : Invalid argument");
}

TEST(FileUriTest, OtherSchemesAndUnknown) {
  EXPECT_EQ(ParseMigrationUri("tcp:127.0.0.1:4444")->transport, Transport::kSocket);
  EXPECT_EQ(ParseMigrationUri("unix:/tmp/s")->transport, Transport::kSocket);
  EXPECT_EQ(ParseMigrationUri("exec:cat > /dev/null")->transport, Transport::kExec);
  EXPECT_EQ(ParseMigrationUri("nope:/x").status().message(),
            "Parameter 'uri' expects a valid migration protocol");
}

}  // namespace
}  // namespace mrm::params
