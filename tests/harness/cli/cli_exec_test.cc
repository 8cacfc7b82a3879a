// dioharness exec from the outside, on real programs: the exit status
// (env(1) convention), the reports, and nothing left mounted whatever
// happens to the command or to dioharness.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/mount/mounted_diofs.h"
#include "tests/harness/cli/process_util.h"

namespace {

using cli_test::ReadFile;

class CliExecTest : public testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
    dir_ = cli_test::MakeTempDir("cli_exec_test");
    ASSERT_NE(dir_, "");
    std::filesystem::create_directories(dir_ + "/tmp");
  }
  void TearDown() override {
    if (dir_.empty()) return;
    EXPECT_EQ(ReadFile("/proc/self/mounts").find(dir_), std::string::npos) << "a mount was left under " << dir_;
    EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/tmp")) << "dioharness left its work folder";
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  cli_test::Child Start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {DIOHARNESS_BIN, "exec", "--out", dir_ + "/out"};
    argv.insert(argv.end(), args.begin(), args.end());
    return cli_test::Start(argv, dir_, {"TMPDIR=" + dir_ + "/tmp"});
  }
  int Exec(const std::vector<std::string>& args) {
    cli_test::Child child = Start(args);
    const int code = cli_test::Wait(child, std::chrono::seconds(60));
    out_ = ReadFile(child.out_path);
    err_ = ReadFile(child.err_path);
    return code;
  }
  nlohmann::json Result() {
    const auto report = nlohmann::json::parse(ReadFile(dir_ + "/out/report.json"));
    return report["results"][0];
  }
  std::string CheckField(const std::string& name, const char* field) {
    const nlohmann::json result = Result();  // kept: a range-for over Result()["checks"] would dangle
    for (const auto& check : result["checks"]) {
      if (check["name"] == name) return check[field];
    }
    return "missing";
  }
  std::string CheckStatus(const std::string& name) { return CheckField(name, "status"); }
  std::string CheckDetail(const std::string& name) { return CheckField(name, "detail"); }
  std::string dir_, out_, err_;
};

std::vector<std::string> Dd(const std::string& bs) {
  return {"--", "sh", "-c", "dd if=/dev/zero of=\"$DIOFS_DIR/f\" oflag=direct bs=" + bs + " count=4 status=none"};
}

TEST_F(CliExecTest, AlignedDdPassesWithReports) {
  EXPECT_EQ(Exec(Dd("4096")), 0) << err_;
  EXPECT_EQ(Result()["verdict"], "pass");
  EXPECT_EQ(CheckStatus("odirect-aligned"), "pass");
  EXPECT_NE(CheckDetail("odirect-aligned").find("4 writes"), std::string::npos) << CheckDetail("odirect-aligned");
  for (const char* file : {"report.md", "report.xml", "maps/exec.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/" + file)) << file;
  }
  EXPECT_NE(err_.find("dioharness exec: PASS"), std::string::npos) << err_;
}

TEST_F(CliExecTest, MisalignedDdIsAViolationNamingTheOffset) {
  EXPECT_EQ(Exec(Dd("100")), 1) << err_;
  EXPECT_EQ(Result()["verdict"], "fail");
  EXPECT_EQ(CheckStatus("odirect-aligned"), "fail");
  EXPECT_NE(CheckDetail("odirect-aligned").find("write /f offset 0 length 100"), std::string::npos)
      << CheckDetail("odirect-aligned");
  EXPECT_NE(err_.find("exit status 1: the fixture found"), std::string::npos) << err_;
}

TEST_F(CliExecTest, RecordModeLetsItThroughAndStillFails) {
  EXPECT_EQ(Exec({"--on-violation", "record", "--", "sh", "-c",
                  "dd if=/dev/zero of=\"$DIOFS_DIR/f\" oflag=direct bs=100 count=1 status=none && echo written"}),
            1)
      << err_;
  EXPECT_EQ(out_, "written\n");  // the command's stdout is its own
  EXPECT_NE(CheckDetail("odirect-aligned").find("let through (record)"), std::string::npos);
}

TEST_F(CliExecTest, OwnFailureKeepsItsStatus) {
  EXPECT_EQ(Exec({"--", "sh", "-c", "echo x > \"$TMPDIR/x\"; exit 3"}), 3) << err_;
  EXPECT_EQ(CheckStatus("command-exit"), "fail");
  EXPECT_EQ(Result()["outcome"], "exit status 3: the command exited 3; no violation, no fallback");
}

TEST_F(CliExecTest, KeepsTheWorkingDirectoryUnlessChdir) {
  EXPECT_EQ(Exec({"--", "sh", "-c", "test \"$(pwd)\" != \"$DIOFS_DIR\""}), 0) << err_;
  EXPECT_EQ(Exec({"--chdir", "--", "sh", "-c", "test \"$(pwd)\" = \"$DIOFS_DIR\""}), 0) << err_;
}

TEST_F(CliExecTest, MissingAndNonExecutableCommands) {
  EXPECT_EQ(Exec({"--", "no-such-command-dioh"}), 127) << err_;
  EXPECT_EQ(Result()["verdict"], "error");
  EXPECT_NE(err_.find("command not found: no-such-command-dioh"), std::string::npos) << err_;
  const std::string script = dir_ + "/not-executable";
  std::ofstream(script) << "#!/bin/sh\n";
  chmod(script.c_str(), 0644);
  EXPECT_EQ(Exec({"--", script}), 126) << err_;
}

TEST_F(CliExecTest, BadOptionsAreTheFixturesError) {
  EXPECT_EQ(Exec({"--profile", "strict-8k", "--", "true"}), 125);
  EXPECT_NE(err_.find("strict-8k"), std::string::npos) << err_;
  EXPECT_EQ(Exec({"--on-violation", "maybe", "--", "true"}), 125);
  EXPECT_EQ(Exec({"--backend", "nosuch", "--", "true"}), 125);
}

TEST_F(CliExecTest, KilledCommandLeavesNoMount) {
  EXPECT_EQ(Exec({"--", "sh", "-c", "kill -9 $$"}), 128 + SIGKILL) << err_;
  EXPECT_NE(CheckDetail("command-exit").find("SIGKILL"), std::string::npos);
}

TEST_F(CliExecTest, InterruptStopsTheCommandAndUnmounts) {
  const std::string mnt = dir_ + "/mnt";
  std::filesystem::create_directories(mnt);
  cli_test::Child child = Start({"--dir", mnt, "--", "sh", "-c", "touch \"$DIOFS_DIR/started\"; exec sleep 60"});
  ASSERT_TRUE(cli_test::WaitUntil(child, [&] { return std::filesystem::exists(mnt + "/started"); },
                                  std::chrono::seconds(20)));
  kill(child.pid, SIGINT);
  EXPECT_EQ(cli_test::Wait(child, std::chrono::seconds(30)), 130) << ReadFile(child.err_path);
  EXPECT_NE(ReadFile(child.err_path).find("interrupted by signal 2 (SIGINT)"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(mnt + "/started"));  // the mount is gone, the folder stays
  EXPECT_TRUE(std::filesystem::is_directory(mnt));
}

// dioharness exec killed with SIGKILL: the command dies with it (it ran in a
// folder that went with the mount), the mount goes (auto_unmount), and the
// work folder it could not remove is reaped by the next run. Found by hand:
// the command ran on as an orphan and dioharness-exec-* folders piled up.
TEST_F(CliExecTest, AKilledFixtureTakesItsCommandAlongAndTheNextRunReapsItsFolder) {
  const std::string mnt = dir_ + "/mnt", pid_file = dir_ + "/command.pid";
  std::filesystem::create_directories(mnt);
  cli_test::Child child =
      Start({"--dir", mnt, "--", "sh", "-c", "echo $$ > " + pid_file + "; touch \"$DIOFS_DIR/started\"; exec sleep 60"});
  ASSERT_TRUE(cli_test::WaitUntil(child, [&] { return std::filesystem::exists(mnt + "/started"); },
                                  std::chrono::seconds(20)));
  const pid_t command = static_cast<pid_t>(std::stol(ReadFile(pid_file)));
  const int command_fd = static_cast<int>(syscall(SYS_pidfd_open, command, 0));
  ASSERT_GE(command_fd, 0);
  kill(child.pid, SIGKILL);
  EXPECT_EQ(cli_test::Wait(child, std::chrono::seconds(10)), 128 + SIGKILL);
  pollfd ended{command_fd, POLLIN, 0};
  const bool command_ended = poll(&ended, 1, 10000) == 1;
  close(command_fd);
  if (!command_ended) kill(command, SIGKILL);  // never leave it behind
  EXPECT_TRUE(command_ended) << "the command outlived dioharness";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ReadFile("/proc/self/mounts").find(mnt) != std::string::npos && std::chrono::steady_clock::now() < deadline) {
    poll(nullptr, 0, 20);
  }
  EXPECT_EQ(ReadFile("/proc/self/mounts").find(mnt), std::string::npos) << "the mount outlived dioharness";
  EXPECT_FALSE(std::filesystem::is_empty(dir_ + "/tmp"));  // the work folder of the killed run
  EXPECT_EQ(Exec({"--", "true"}), 0) << err_;
  EXPECT_NE(err_.find("reaped: removed the stale folder"), std::string::npos) << err_;  // TearDown checks nothing is left
}

TEST_F(CliExecTest, MallocBufferCaughtUnderPreloadWithItsCallSite) {
  EXPECT_EQ(Exec({"--preload", "--", "sh", "-c", std::string(MALLOC_PWRITE) + " \"$DIOFS_DIR/f\""}), 1) << err_;
  EXPECT_EQ(CheckStatus("buffers-aligned"), "fail");
  const std::string detail = CheckDetail("buffers-aligned");
  EXPECT_NE(detail.find("pwrite /f offset 0 length 4096"), std::string::npos) << detail;
  EXPECT_NE(detail.find("call site: " + std::string(MALLOC_PWRITE) + "+0x"), std::string::npos) << detail;
}

TEST_F(CliExecTest, FallbackToBufferedIoIsReported) {
  EXPECT_EQ(Exec({"--profile", "no-odirect", "--", "sh", "-c", std::string(FALLBACK_WRITER) + " \"$DIOFS_DIR/f\""}), 1)
      << err_;
  EXPECT_EQ(CheckStatus("command-exit"), "pass");
  EXPECT_EQ(CheckStatus("no-fallback"), "fail");
  EXPECT_NE(CheckDetail("no-fallback").find("fell back to buffered I/O on /f after open O_DIRECT refused"),
            std::string::npos)
      << CheckDetail("no-fallback");
}

}  // namespace
