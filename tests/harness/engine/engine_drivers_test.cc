#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "harness/checks/ram_expectation.h"
#include "harness/engine/engine_driver.h"
#include "harness/qmp/qmp_client.h"
#include "tests/harness/engine/engine_test_util.h"

namespace dioh {
namespace {

using namespace std::chrono_literals;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class EngineDriversTest : public engine_test::WorkDirTest {
 protected:
  EngineLaunch Launch(const std::string& label) const {
    EngineLaunch launch;
    launch.work_dir = dir_;
    launch.label = label;
    launch.guest.ram = "pc.ram=16M";
    return launch;
  }
};

TEST_F(EngineDriversTest, DefaultIsTheMrmigrateBesideThisProgram) {
  auto driver = MakeEngineDriver("mrmigrate");
  ASSERT_TRUE(driver.ok()) << driver.status().message();
  EXPECT_EQ((*driver)->name(), "mrmigrate");
  EXPECT_NE((*driver)->Expectation(Launch("source").guest), nullptr);  // the seed model
  auto engine = (*driver)->Launch(Launch("source"), DeadlineIn(10s));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_EQ((*engine)->qmp().greeting()["QMP"]["version"]["qemu"]["major"].is_number(), true);
  auto reply = (*engine)->qmp().Execute("query-migrate", nlohmann::json::object(), DeadlineIn(10s));
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_TRUE(reply->ok);
  auto exit = QuitEngine(**engine, DeadlineIn(10s));
  ASSERT_TRUE(exit.ok()) << exit.status().message();
  EXPECT_EQ(*exit, "exit 0");
}

TEST_F(EngineDriversTest, MissingBinariesAreClearErrors) {
  auto mrmigrate = MakeEngineDriver("mrmigrate:/nonexistent/mrmigrate");
  ASSERT_FALSE(mrmigrate.ok());
  EXPECT_EQ(mrmigrate.status().message(), "mrmigrate binary '/nonexistent/mrmigrate' cannot be run: No such file or directory");
  auto qemu = MakeEngineDriver("qemu:/nonexistent/qemu-system-x86_64");
  ASSERT_FALSE(qemu.ok());
  EXPECT_PRED2(Contains, qemu.status().message(), "QEMU binary '/nonexistent/qemu-system-x86_64' cannot be run: No such file or directory");
  auto folder = MakeEngineDriver("qemu:" + dir_);
  ASSERT_FALSE(folder.ok());
  EXPECT_PRED2(Contains, folder.status().message(), "it is a folder");
  for (const char* spec : {"qemu", "qemu:", "kvm:/usr/bin/kvm", ""}) {
    auto unknown = MakeEngineDriver(spec);
    ASSERT_FALSE(unknown.ok()) << spec;
    EXPECT_EQ(unknown.status().message(),
              "unknown engine '" + std::string(spec) + "': use mrmigrate, mrmigrate:PATH or qemu:PATH");
  }
}

TEST_F(EngineDriversTest, MrmigrateBinaryFromTheEnvironment) {
  ASSERT_EQ(setenv("MRMIGRATE_BINARY", "/nonexistent/m", 1), 0);
  auto driver = MakeEngineDriver("mrmigrate");
  unsetenv("MRMIGRATE_BINARY");
  ASSERT_FALSE(driver.ok());
  EXPECT_PRED2(Contains, driver.status().message(), "'/nonexistent/m' cannot be run");
  EXPECT_PRED2(Contains, driver.status().message(), "MRMIGRATE_BINARY");
}

TEST_F(EngineDriversTest, AnEngineThatExitsEarlyShowsItsOutput) {
  auto driver = MakeEngineDriver("mrmigrate");
  ASSERT_TRUE(driver.ok());
  EngineLaunch launch = Launch("source");
  launch.guest.ram = "pc.ram=5000";  // not a multiple of 4 KiB: mrmigrate refuses it
  auto engine = (*driver)->Launch(launch, DeadlineIn(10s));
  ASSERT_FALSE(engine.ok());
  EXPECT_PRED2(Contains, engine.status().message(), "source engine " + MrmigratePath() + " exited before its QMP socket was up (exit 2)");
  EXPECT_PRED2(Contains, engine.status().message(), "mrmigrate: ");
}

TEST_F(EngineDriversTest, AnEngineThatNeverListensIsKilledAtTheDeadline) {
  const std::string pid_file = dir_ + "/pid";
  const std::string script = WriteScript("silent-engine", "echo $$ > " + pid_file + "\nexec sleep 600\n");
  auto driver = MakeEngineDriver("mrmigrate:" + script);
  ASSERT_TRUE(driver.ok()) << driver.status().message();
  auto engine = (*driver)->Launch(Launch("source"), DeadlineIn(300ms));
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), ETIMEDOUT);
  EXPECT_PRED2(Contains, engine.status().message(), "created no QMP socket " + dir_ + "/source.qmp before the deadline; killed");
  // Killed and reaped: the pid is gone.
  const pid_t pid = static_cast<pid_t>(std::stol(ReadFile(pid_file)));
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(EngineDriversTest, ATooLongSocketPathIsRefused) {
  auto driver = MakeEngineDriver("mrmigrate");
  ASSERT_TRUE(driver.ok());
  EngineLaunch launch = Launch("source");
  launch.work_dir = dir_ + "/" + std::string(120, 'x');
  auto engine = (*driver)->Launch(launch, DeadlineIn(10s));
  ASSERT_FALSE(engine.ok());
  EXPECT_PRED2(Contains, engine.status().message(), "QMP socket path longer than a unix socket allows");
}

TEST_F(EngineDriversTest, QemuFoundInPath) {
  WriteScript("qemu-system-x86_64", "exit 0\n");
  const std::string old_path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ASSERT_EQ(setenv("PATH", (dir_ + ":" + old_path).c_str(), 1), 0);
  auto driver = MakeEngineDriver("qemu:qemu-system-x86_64");
  setenv("PATH", old_path.c_str(), 1);
  ASSERT_TRUE(driver.ok()) << driver.status().message();
  EXPECT_EQ((*driver)->name(), "qemu:" + dir_ + "/qemu-system-x86_64");
}

}  // namespace
}  // namespace dioh
