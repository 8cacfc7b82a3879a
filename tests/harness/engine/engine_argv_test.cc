#include "harness/engine/engine_argv.h"

#include <gtest/gtest.h>

namespace dioh {
namespace {

using Argv = std::vector<std::string>;

EngineLaunch SourceLaunch() {
  EngineLaunch launch;
  launch.work_dir = "/w";
  launch.label = "source";
  launch.guest.ram = "pc.ram=64M,vga.vram=16M";
  launch.guest.seed = 9;
  launch.guest.zero_fraction = 0.125;
  launch.guest.dirty_fraction = 0.1;
  launch.guest.passes = 3;
  return launch;
}

TEST(EngineArgvTest, MrmigrateGetsTheGuestModel) {
  EXPECT_EQ(MrmigrateArgv("/b/mrmigrate", SourceLaunch(), "/w/source.qmp"),
            (Argv{"/b/mrmigrate", "qmp", "--qmp", "unix:/w/source.qmp,server=on,wait=off", "--ram",
                  "pc.ram=64M,vga.vram=16M", "--seed", "9", "--zero-fraction", "0.125", "--dirty-fraction", "0.1",
                  "--passes", "3"}));
}

TEST(EngineArgvTest, MrmigrateWithoutDirectIoBuildSupport) {
  EngineLaunch launch = SourceLaunch();
  launch.no_direct_io_build = true;
  const Argv argv = MrmigrateArgv("m", launch, "/s");
  EXPECT_EQ(argv.back(), "--x-pretend-no-direct-io");
  // Incoming needs no option: mrmigrate takes migrate-incoming at any time.
  launch.incoming = true;
  EXPECT_EQ(MrmigrateArgv("m", launch, "/s"), argv);
}

TEST(EngineArgvTest, QemuIsAQ35ThatHaltsWithQtestAndDefersIncoming) {
  EngineLaunch launch = SourceLaunch();
  QemuMachine machine;
  machine.layout_args = {"-m", "64M", "-device", "VGA,vgamem_mb=16,romfile=,addr=01.0"};
  machine.firmware = "/w/firmware.bin";
  machine.qtest_socket = "/w/source.qtest";
  machine.loader_args = {"-device", "loader,file=/w/ram-0.img,addr=0x0,force-raw=on"};
  EXPECT_EQ(QemuArgv("/usr/bin/qemu-system-x86_64", launch, "/w/source.qmp", machine),
            (Argv{"/usr/bin/qemu-system-x86_64", "-accel", "tcg", "-machine", "q35", "-m", "64M", "-device",
                  "VGA,vgamem_mb=16,romfile=,addr=01.0", "-nodefaults", "-display", "none", "-name",
                  "source,debug-threads=on",
                  "-bios", "/w/firmware.bin", "-S", "-qmp", "unix:/w/source.qmp,server=on,wait=off", "-qtest",
                  "unix:/w/source.qtest,server=on,wait=off", "-qtest-log", "/dev/null", "-device",
                  "loader,file=/w/ram-0.img,addr=0x0,force-raw=on"}));
  launch.incoming = true;
  machine.loader_args.clear();
  const Argv argv = QemuArgv("q", launch, "/s", machine);
  EXPECT_EQ((Argv{argv.end() - 2, argv.end()}), (Argv{"-incoming", "defer"}));
}

TEST(EngineArgvTest, EnvironmentAddsThePreloadLibrary) {
  EngineLaunch launch;
  launch.extra_env = {"DIOCHECK_LOG=/w/x.log"};
  EXPECT_EQ(EngineEnvironment(launch), (Argv{"DIOCHECK_LOG=/w/x.log"}));
  launch.preload_library = "/b/lib/libdiocheck.so";
  EXPECT_EQ(EngineEnvironment(launch), (Argv{"DIOCHECK_LOG=/w/x.log", "LD_PRELOAD=/b/lib/libdiocheck.so"}));
}

TEST(EngineArgvTest, FractionsReadBackExactly) {
  EXPECT_EQ(FormatFraction(0.5), "0.5");
  EXPECT_EQ(FormatFraction(0), "0");
  EXPECT_EQ(FormatFraction(1), "1");
  EXPECT_EQ(std::stod(FormatFraction(0.1234567891234)), 0.1234567891234);
}

}  // namespace
}  // namespace dioh
