#include "fs/daemon/options.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace diofs {
namespace {

dioh::Result<DaemonCommand> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "diofs");
  return ParseDaemonOptions(static_cast<int>(args.size()), args.data());
}

TEST(OptionsTest, DefaultsAreStrictMemEinval) {
  auto c = Parse({"/mnt/x"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->options);
  EXPECT_EQ(c->options->mountpoint, "/mnt/x");
  EXPECT_EQ(c->options->profile.profile.name, "strict-4k");
  EXPECT_EQ(c->options->profile.on_violation, OnViolation::kEinval);
  EXPECT_EQ(c->options->backend, "mem");
  EXPECT_FALSE(c->options->foreground);
}

TEST(OptionsTest, OverridesAndFlags) {
  auto c = Parse({"--profile", "xfs-4k", "--dio-align", "64K", "--dio-mem-align", "8192", "--odirect", "reject",
                  "--on-violation", "record", "-f", "-s", "--backend", "passthrough:/srv", "relative/mnt/"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const DaemonOptions& o = *c->options;
  EXPECT_EQ(o.profile.profile.dio_align.bytes(), 65536u);
  EXPECT_EQ(o.profile.profile.mem_align.bytes(), 8192u);
  EXPECT_EQ(o.profile.profile.odirect, ODirectAtOpen::kReject);
  EXPECT_EQ(o.profile.on_violation, OnViolation::kRecord);
  EXPECT_TRUE(o.foreground);
  EXPECT_TRUE(o.single_threaded);
  EXPECT_EQ(o.backend, "passthrough:/srv");
  EXPECT_EQ(o.mountpoint, (std::filesystem::current_path() / "relative/mnt").string());
}

TEST(OptionsTest, HelpIsTextNotAnError) {
  auto c = Parse({"--help"});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->options);
  EXPECT_NE(c->print.find("--profile"), std::string::npos);
  EXPECT_NE(c->print.find("strict-64k"), std::string::npos);  // the profile table
}

TEST(OptionsTest, VersionIsTextNotAnError) {
  auto c = Parse({"--version"});  // no mountpoint needed
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->options);
  EXPECT_EQ(c->print.rfind("diofs ", 0), 0u) << c->print;
}

TEST(OptionsTest, ErrorsNameTheProblem) {
  EXPECT_EQ(Parse({"--dio-align", "3000", "/m"}).status().message(), "--dio-align: alignment 3000 is not a power of two");
  EXPECT_NE(Parse({"--profile", "nope", "/m"}).status().message().find("unknown profile 'nope'"), std::string::npos);
  EXPECT_FALSE(Parse({}).ok());  // the mountpoint is required
  // An unknown option is named, not hidden behind the missing mountpoint.
  EXPECT_EQ(Parse({"--bogus"}).status().message(), "unknown option '--bogus' (see 'diofs --help')");
  EXPECT_FALSE(Parse({"--backend", "disk", "/m"}).ok());
}

TEST(OptionsTest, DirectWritesToOneFileOverlapUnlessAskedToBeSerial) {
  auto plain = Parse({"/m"});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->options->parallel_direct_writes);
  auto serial = Parse({"--serial-direct-writes", "/m"});
  ASSERT_TRUE(serial.ok());
  EXPECT_FALSE(serial->options->parallel_direct_writes);
  auto o = Parse({"-o", "serial_direct_writes", "/m"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_FALSE(o->options->parallel_direct_writes);
}

TEST(OptionsTest, BufferedOpensUseThePageCacheUnlessDirectIoAll) {
  auto plain = Parse({"/m"});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->options->direct_io_all);
  auto all = Parse({"-o", "direct_io_all", "/m"});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_TRUE(all->options->direct_io_all);
}

TEST(OptionsTest, MaxThreadsIsBoundedAndAMountOptionToo) {
  auto plain = Parse({"/m"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->options->max_threads, kDefaultMaxThreads);
  auto two = Parse({"-o", "max_threads=2", "/m"});
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(two->options->max_threads, 2u);
  for (const char* bad : {"0", "1025", "lots"}) {
    auto refused = Parse({"--max-threads", bad, "/m"});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("--max-threads"), std::string::npos) << refused.status().message();
  }
}

TEST(OptionsTest, KernelChecksPermissionsAlwaysAndOthersComeInOnlyWhenAsked) {
  auto plain = Parse({"/m"});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->options->allow_other);
  EXPECT_EQ(FuseMountOptions(*plain->options), "fsname=diofs,subtype=diofs,default_permissions,auto_unmount");
  auto flag = Parse({"--allow-other", "/m"});
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(FuseMountOptions(*flag->options),
            "fsname=diofs,subtype=diofs,default_permissions,auto_unmount,allow_other");
  // -o allow_other is the same switch, taken out of the -o list so that it is said once.
  auto o = Parse({"-o", "ro,allow_other", "-o", "allow_other", "/m"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->options->allow_other);
  EXPECT_EQ(FuseMountOptions(*o->options),
            "fsname=diofs,subtype=diofs,default_permissions,auto_unmount,allow_other,ro");
  // A mark of the caller's replaces the default name.
  auto marked = Parse({"-o", "fsname=diofs:1234", "/m"});
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(FuseMountOptions(*marked->options), "subtype=diofs,default_permissions,auto_unmount,fsname=diofs:1234");
}

// mount -t fuse.diofs none /mnt/d -o ... runs `diofs none /mnt/d -o rw,...`.
TEST(OptionsTest, EveryOptionWorksAsAMountOption) {
  auto c = Parse({"none", "/mnt/d", "-o",
                  R"(rw,nosuid,profile=ext4-512,backend=passthrough:/srv/x,on_violation=record,dio-align=1024,)"
                  R"(dio_mem_align=2048,odirect=reject,log=/var/log/d.log,log_data,device=nvme\,seed=7,)"
                  R"(capacity=64M,volatile,allow_other,ready_fd=9,foreground,single_thread,relatime)"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const DaemonOptions& o = *c->options;
  EXPECT_EQ(o.mountpoint, "/mnt/d");  // the source is ignored
  EXPECT_EQ(o.profile.profile.name, "ext4-512");
  EXPECT_EQ(o.profile.profile.dio_align.bytes(), 1024u);
  EXPECT_EQ(o.profile.profile.mem_align.bytes(), 2048u);
  EXPECT_EQ(o.profile.profile.odirect, ODirectAtOpen::kReject);
  EXPECT_EQ(o.profile.on_violation, OnViolation::kRecord);
  EXPECT_EQ(o.backend, "passthrough:/srv/x");
  EXPECT_EQ(o.log_path, "/var/log/d.log");
  EXPECT_TRUE(o.log_data);
  EXPECT_TRUE(o.sim.device.enabled());
  EXPECT_EQ(o.sim.device.seed, 7u);  // the escaped comma kept the override in the device spec
  EXPECT_EQ(o.capacity, 64u << 20);
  EXPECT_TRUE(o.sim.volatile_data);
  EXPECT_TRUE(o.allow_other);
  EXPECT_EQ(o.ready_fd, 9);
  EXPECT_TRUE(o.foreground);
  EXPECT_TRUE(o.single_threaded);
  EXPECT_EQ(FuseMountOptions(o), "fsname=diofs,subtype=diofs,default_permissions,auto_unmount,allow_other,rw,nosuid");
  auto comma = Parse({"-o", R"(fsname=a\,b)", "/m"});
  ASSERT_TRUE(comma.ok());
  EXPECT_EQ(FuseMountOptions(*comma->options), R"(subtype=diofs,default_permissions,auto_unmount,fsname=a\,b)");
}

TEST(OptionsTest, ABadMountOptionIsOneLine) {
  for (const std::vector<const char*>& args : std::vector<std::vector<const char*>>{
           {"none", "/m", "-o", "rw,profle=ext4-512"},
           {"none", "/m", "-o", "profile=ext4-513"},
           {"none", "/m", "-o", "dio_align=3000"},
           {"none", "/m", "-o", "nonempty"},
           {"a", "b", "c"}}) {
    auto c = Parse(args);
    ASSERT_FALSE(c.ok()) << args.back();
    EXPECT_FALSE(c.status().message().empty());
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos) << c.status().message();
  }
}

TEST(OptionsTest, AllowOtherNeedsRootOrUserAllowOther) {
  EXPECT_TRUE(CheckAllowOther(/*root=*/true, "").ok());
  EXPECT_TRUE(CheckAllowOther(false, "# comment\n  user_allow_other \n").ok());
  const dioh::Status refused = CheckAllowOther(false, "#user_allow_other\nmount_max = 1000\n");
  EXPECT_EQ(refused.code(), EINVAL);
  EXPECT_NE(refused.message().find("user_allow_other"), std::string::npos);
  EXPECT_NE(refused.message().find("/etc/fuse.conf"), std::string::npos);
}

TEST(OptionsTest, MountpointChecks) {
  EXPECT_EQ(CheckMountpoint("/nonexistent/diofs").code(), ENOENT);
  EXPECT_EQ(CheckMountpoint("/etc/os-release").code(), ENOTDIR);
  EXPECT_EQ(CheckMountpoint("/proc").code(), EBUSY);  // a mount point already
  EXPECT_TRUE(CheckMountpoint(std::filesystem::temp_directory_path().string()).ok() ||
              CheckMountpoint(std::filesystem::temp_directory_path().string()).code() == EBUSY);
}

}  // namespace
}  // namespace diofs
