// mrmigrate as a process: exit codes, messages, --help, and the QMP server's
// lifetime (quit, SIGTERM) over its socket.
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/migration/cli/run_mrmigrate.h"
#include "tests/migration/format/golden_file.h"

extern char** environ;

namespace {

using mrmigrate_test::Mrmigrate;
using mrmigrate_test::ProcessRun;
using mrmigrate_test::TempDir;

// Does this filesystem take open(O_DIRECT)? (ext4 and tmpfs do; some do not.)
bool AcceptsODirect(const std::filesystem::path& dir) {
  const std::string probe = (dir / "odirect-probe").string();
  const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT, 0600);
  if (fd >= 0) ::close(fd);
  ::unlink(probe.c_str());
  return fd >= 0;
}

TEST(MrmigrateTest, SaveInspectLoadRoundTripTwoBlocksFourChannels) {
  const TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const bool direct = AcceptsODirect(dir.path);
  if (!direct) std::cout << "note: " << dir.path << " rejects O_DIRECT; this round trip runs with direct-io off\n";
  const std::string file = (dir.path / "guest.img").string();
  const std::string guest = "--ram pc.ram=8M,vga.vram=1060K --seed 7 --zero-fraction 0.25 ";
  const std::string options = guest + "--capability mapped-ram=on --capability multifd=on "
                              "--parameter multifd-channels=4 --parameter max-bandwidth=0 "
                              "--parameter direct-io=" + std::string(direct ? "on " : "off ");

  ProcessRun run = Mrmigrate("save " + options + file);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "mrmigrate: setup\nmrmigrate: active\nmrmigrate: device\nmrmigrate: completed\n");

  run = Mrmigrate("inspect " + file);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("capabilities: mapped-ram"), std::string::npos) << run.output;
  for (const char* block : {"pc.ram                        8388608", "vga.vram                      1085440"}) {
    const auto line = run.output.find(block);
    ASSERT_NE(line, std::string::npos) << block << " in\n" << run.output;
    EXPECT_EQ(run.output.substr(run.output.find('\n', line) - 4, 4), " yes") << "region start of " << block;
  }

  run = Mrmigrate("load " + options + file);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "mrmigrate: setup\nmrmigrate: active\nmrmigrate: completed\n");

  // Another seed is another guest: the load names the first page that differs.
  std::string other_guest = options;
  other_guest.replace(other_guest.find("--seed 7"), 8, "--seed 8");
  run = Mrmigrate("load " + other_guest + file);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("mrmigrate: failed\nmrmigrate: RAM block pc.ram page "), std::string::npos)
      << run.output;
}

// A value that does not hold is a command-line error too: exit 2.
TEST(MrmigrateTest, BadGuestOptionsAreRefused) {
  const ProcessRun fraction = Mrmigrate("save --zero-fraction 1.5 /tmp/x");
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_EQ(fraction.output, "mrmigrate: --zero-fraction must be between 0 and 1, got 1.500000\n");
  const ProcessRun ram = Mrmigrate("save --ram foo /tmp/x");
  EXPECT_EQ(ram.exit_code, 2);
  EXPECT_NE(ram.output.find("'foo'"), std::string::npos) << ram.output;
  EXPECT_EQ(Mrmigrate("save --passes 0 /tmp/x").output, "mrmigrate: --passes must be at least 1\n");
  EXPECT_EQ(Mrmigrate("load --ram pc.ram=1M,pc.ram=2M /tmp/x").output, "mrmigrate: --ram names block pc.ram twice\n");
}

TEST(MrmigrateTest, InspectGoldenQemuFilePrintsItsSixBlocks) {
  mrm::format::testing::GoldenFile golden;
  if (!golden.Load()) GTEST_SKIP() << "golden fixture not found under " << DIOH_GOLDEN_DIRS;
  const TempDir dir;
  const std::filesystem::path file = dir.path / mrm::format::testing::kGoldenName;
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(golden.bytes.data()), static_cast<std::streamsize>(golden.bytes.size()));

  const ProcessRun json_run = Mrmigrate("inspect --json " + file.string());
  ASSERT_EQ(json_run.exit_code, 0) << json_run.output;
  const nlohmann::json report = nlohmann::json::parse(json_run.output);
  ASSERT_EQ(report["blocks"].size(), 6u);
  const ProcessRun text_run = Mrmigrate("inspect " + file.string());
  ASSERT_EQ(text_run.exit_code, 0) << text_run.output;
  EXPECT_NE(text_run.output.find("machine: pc-q35-11.0"), std::string::npos);
  for (const nlohmann::json& block : report["blocks"]) {
    const std::string idstr = block["idstr"].get<std::string>();
    EXPECT_NE(text_run.output.find("\n" + idstr + " "), std::string::npos) << idstr << " in\n" << text_run.output;
  }
}

TEST(MrmigrateTest, OptionsAreCheckedLikeQmp) {
  ProcessRun run = Mrmigrate("save --parameter multifd-channels=0 /tmp/x");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "mrmigrate: Parameter 'multifd_channels' expects a value between 1 and 255\n");
  run = Mrmigrate("save --capability mapped-ram=on --capability xbzrle=on /tmp/x");
  EXPECT_EQ(run.output, "mrmigrate: Mapped-ram migration is incompatible with xbzrle\n");
  run = Mrmigrate("save --capability multifd=on /tmp/x");
  EXPECT_EQ(run.output, "mrmigrate: Migration requires multi-channel URIs (e.g. tcp)\n");
  run = Mrmigrate("save --x-pretend-no-direct-io --parameter direct-io=on /tmp/x");
  EXPECT_EQ(run.output, "mrmigrate: No build-time support for direct-io\n");
  run = Mrmigrate("load 'file:/tmp/x,offset=0x20M'");
  EXPECT_EQ(run.output, "mrmigrate: file URI has bad offset 0x20M: Invalid argument\n");
}

TEST(MrmigrateTest, HelpForEachCommand) {
  for (const char* command : {"", "save ", "load ", "inspect ", "qmp "}) {
    const ProcessRun run = Mrmigrate(std::string(command) + "--help");
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.output.find("Usage:"), std::string::npos) << command;
  }
  EXPECT_NE(Mrmigrate("save --help").output.find("--parameter"), std::string::npos);
  EXPECT_NE(Mrmigrate("qmp --help").output.find("unix:PATH,server=on,wait=off"), std::string::npos);
  // The capability and parameter names belong to the commands that take them.
  EXPECT_NE(Mrmigrate("save --help").output.find("zero-pages-in-bitmap"), std::string::npos);
  EXPECT_NE(Mrmigrate("load --help").output.find("mapped-ram"), std::string::npos);
  EXPECT_EQ(Mrmigrate("--help").output.find("zero-pages-in-bitmap"), std::string::npos);
  EXPECT_EQ(Mrmigrate("inspect --help").output.find("Capabilities:"), std::string::npos);
  // The program's name, not the path it was started by; no CLI11 type names.
  EXPECT_NE(Mrmigrate("save --help").output.find("Usage: mrmigrate save"), std::string::npos);
  EXPECT_EQ(Mrmigrate("save --help").output.find("UINT"), std::string::npos);
  for (const char* option : {"--ram", "--seed", "--zero-fraction", "--dirty-fraction", "--passes"}) {
    EXPECT_NE(Mrmigrate("save --help").output.find(option), std::string::npos) << option;
    EXPECT_NE(Mrmigrate("qmp --help").output.find(option), std::string::npos) << option;
  }
  EXPECT_NE(Mrmigrate("inspect --help").output.find("--json"), std::string::npos);
}

// Every command-line error: exit status 2 and one line naming the bad word.
TEST(MrmigrateTest, CommandLineErrorsExitTwoNamingTheWord) {
  ProcessRun run = Mrmigrate("save --bogus");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "mrmigrate save: unknown option '--bogus' (see 'mrmigrate save --help')\n");
  run = Mrmigrate("");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "mrmigrate: a command is required: save, load, inspect, qmp (see 'mrmigrate --help')\n");
  run = Mrmigrate("frobnicate");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("unknown command 'frobnicate'"), std::string::npos) << run.output;
  run = Mrmigrate("save --seed x /tmp/x");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--seed"), std::string::npos) << run.output;
}

TEST(MrmigrateTest, VersionExitsZero) {
  const ProcessRun run = Mrmigrate("--version");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output.rfind("mrmigrate ", 0), 0u) << run.output;
}

class MrmigrateQmpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mrmigrate-qmp-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    socket_ = dir_ + "/qmp.sock";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }
  void Start(const std::vector<std::string>& arguments) {
    std::vector<char*> argv = {const_cast<char*>(MRMIGRATE_PATH)};
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ASSERT_EQ(::posix_spawn(&pid_, MRMIGRATE_PATH, nullptr, nullptr, argv.data(), environ), 0);
  }
  // Connects once the server listens (retrying until a deadline).
  int Connect() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (auto backoff = std::chrono::milliseconds(1); std::chrono::steady_clock::now() < deadline;
         backoff = std::min(backoff * 2, std::chrono::milliseconds(50))) {
      const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        const timeval receive_deadline{5, 0};  // a silent server fails the test, never hangs it
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_deadline, sizeof receive_deadline);
        return fd;
      }
      ::close(fd);
      std::this_thread::sleep_for(backoff);  // a connect back-off, bounded by the deadline
    }
    return -1;
  }
  static std::string ReadLine(int fd) {
    std::string line;
    char c;
    while (::recv(fd, &c, 1, 0) == 1 && c != '\n') line += c;
    return line;
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string dir_, socket_;
  pid_t pid_ = -1;
};

TEST_F(MrmigrateQmpTest, TopLevelQmpServesUntilQuit) {
  Start({"--qmp", "unix:" + socket_ + ",server=on,wait=off"});
  const int fd = Connect();
  ASSERT_GE(fd, 0);
  EXPECT_EQ(ReadLine(fd).rfind(R"({"QMP": {"version": {"qemu": )", 0), 0u);
  const std::string requests =
      "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"query-migrate-parameters\"}\n{\"execute\": \"quit\"}\n";
  ASSERT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL), static_cast<ssize_t>(requests.size()));
  EXPECT_EQ(ReadLine(fd), R"({"return": {}})");
  EXPECT_NE(ReadLine(fd).find(R"("direct-io": false)"), std::string::npos);
  EXPECT_EQ(ReadLine(fd), R"({"return": {}})");
  EXPECT_NE(ReadLine(fd).find(R"("event": "SHUTDOWN")"), std::string::npos);
  ::close(fd);
  EXPECT_EQ(Wait(), 0);
  EXPECT_FALSE(std::filesystem::exists(socket_));
}

TEST_F(MrmigrateQmpTest, SigtermStopsTheServer) {
  Start({"qmp", "--qmp", "unix:" + socket_ + ",server=on,wait=off"});
  const int fd = Connect();
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(ReadLine(fd).empty());
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  EXPECT_EQ(Wait(), 0);
  ::close(fd);
}

}  // namespace
