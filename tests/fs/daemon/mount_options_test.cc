#include "fs/daemon/mount_options.h"

#include <gtest/gtest.h>

namespace diofs {
namespace {

using Strings = std::vector<std::string>;

TEST(MountOptionsTest, SplitsAtCommasUnlessEscaped) {
  EXPECT_EQ(SplitMountOptions("rw,noatime,profile=ext4-512"), (Strings{"rw", "noatime", "profile=ext4-512"}));
  EXPECT_EQ(SplitMountOptions(R"(device=nvme\,direct-write-lat=50us,ro)"),
            (Strings{"device=nvme,direct-write-lat=50us", "ro"}));
  EXPECT_EQ(SplitMountOptions(R"(fsname=a\\b)"), (Strings{R"(fsname=a\b)"}));
  EXPECT_EQ(SplitMountOptions(",,ro,"), (Strings{"ro"}));
  EXPECT_EQ(SplitMountOptions(""), Strings{});
  EXPECT_EQ(SplitMountOptions(R"(trailing\)"), (Strings{R"(trailing\)"}));
}

TEST(MountOptionsTest, StandardOptionsArePassedOnDroppedOrRefused) {
  for (const char* o : {"rw", "ro", "nosuid", "nodev", "noexec", "dev", "suid", "exec", "noatime", "sync", "dirsync",
                        "fsname=diofs:42"}) {
    EXPECT_EQ(ClassifyStandardOption(o), StandardOption::kPassOn) << o;
  }
  for (const char* o : {"relatime", "nodiratime", "strictatime", "lazytime"}) {
    EXPECT_EQ(ClassifyStandardOption(o), StandardOption::kDrop) << o;
  }
  EXPECT_EQ(ClassifyStandardOption("subtype=other"), StandardOption::kRefused);
  for (const char* o : {"nonempty", "ro=1", "fsname", "max_read=4096", "kernel_cache", "profile"}) {
    EXPECT_EQ(ClassifyStandardOption(o), StandardOption::kUnknown) << o;
  }
}

bool IsDiofsOption(std::string_view name) {
  return name == "profile" || name == "log" || name == "on-violation" || name == "volatile" || name == "allow-other";
}

TEST(MountOptionsTest, DiofsOptionsBecomeCommandLineOptions) {
  // What mount(8) runs through mount.fuse3 for an fstab line.
  auto r = RewriteMountOptions({"none", "/mnt/d", "-o", "rw,noatime,profile=ext4-512,on_violation=record,volatile,relatime,dev,suid"},
                               IsDiofsOption);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->argv, (Strings{"none", "/mnt/d", "--profile=ext4-512", "--on-violation=record", "--volatile"}));
  EXPECT_EQ(r->mount_options, (Strings{"rw", "noatime", "dev", "suid"}));
  auto joined = RewriteMountOptions({"-olog=/l", "-f", "-o", "allow_other", "/m"}, IsDiofsOption);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->argv, (Strings{"--log=/l", "-f", "--allow-other", "/m"}));
  auto after_dashes = RewriteMountOptions({"--", "-odd-name"}, IsDiofsOption);
  ASSERT_TRUE(after_dashes.ok());
  EXPECT_EQ(after_dashes->argv, (Strings{"--", "-odd-name"}));
}

TEST(MountOptionsTest, AnUnknownOptionIsOneLineNamingIt) {
  auto r = RewriteMountOptions({"-o", "profile=tmpfs,profle=tmpfs", "/m"}, IsDiofsOption);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), EINVAL);
  EXPECT_NE(r.status().message().find("unknown mount option 'profle=tmpfs'"), std::string::npos);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  EXPECT_NE(RewriteMountOptions({"-o", "subtype=x", "/m"}, IsDiofsOption).status().message().find("fuse.diofs"),
            std::string::npos);
  EXPECT_FALSE(RewriteMountOptions({"/m", "-o"}, IsDiofsOption).ok());
}

}  // namespace
}  // namespace diofs
