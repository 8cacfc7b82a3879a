// mrmigrate as a process: exit codes, messages, --help, and the QMP server's
// lifetime (quit, SIGTERM) over its socket.
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace {

struct ProcessRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

ProcessRun Mrmigrate(const std::string& arguments) {
  const std::string command = std::string(MRMIGRATE_PATH) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(MrmigrateTest, SaveLoadInspectSayThereIsNoEngine) {
  for (const char* command : {"save /tmp/mrmigrate-test.img", "load file:/tmp/mrmigrate-test.img",
                              "inspect /tmp/mrmigrate-test.img"}) {
    const ProcessRun run = Mrmigrate(command);
    if (run.exit_code == 0) GTEST_SKIP() << "a real engine is plugged in";
    EXPECT_EQ(run.exit_code, 1) << command;
    EXPECT_EQ(run.output, "mrmigrate: no migration engine is available in this build\n") << command;
  }
}

TEST(MrmigrateTest, OptionsAreCheckedLikeQmp) {
  ProcessRun run = Mrmigrate("save --parameter multifd-channels=0 /tmp/x");
  EXPECT_EQ(run.exit_code, 1);
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
  EXPECT_NE(Mrmigrate("--help").output.find("zero-pages-in-bitmap"), std::string::npos);
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
