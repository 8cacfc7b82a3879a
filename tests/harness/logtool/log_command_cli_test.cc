// Runs the built `dioharness log ...` binary (harness/cli/log_command.cc) on
// generated logs: every JSON line parses and matches what the test issued;
// a corrupt log names the byte offset and exits non-zero.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "fs/oplog/log_file.h"
#include "logtool_test_util.h"

namespace dioharness::logtool {
namespace {

using diofs::oplog::testing::TempDir;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CliRun RunCli(const TempDir& dir, const std::string& args) {
  const std::string command = std::string(DIOHARNESS_BIN) + " " + args + " >" + dir.File("out") +
                              " 2>" + dir.File("err");
  const int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = Slurp(dir.File("out"));
  run.err = Slurp(dir.File("err"));
  return run;
}

TEST(LogCommandCliTest, DumpJsonLinesParseAndMatchTheIssuedOps) {
  TempDir dir;
  const auto ops = testing::SampleOps();
  testing::WriteSampleLog(dir.File("log"), ops, true);
  const CliRun run = RunCli(dir, "log dump --json " + dir.File("log"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    ASSERT_LT(i, ops.size());
    const auto j = nlohmann::json::parse(line);  // throws (fails the test) on a bad line
    EXPECT_EQ(j["seq"], i + 1);
    EXPECT_EQ(j["path"], ops[i].path);
    EXPECT_EQ(j["offset"], ops[i].offset);
    EXPECT_EQ(j["length"], ops[i].length);
    EXPECT_EQ(j["direct"], (ops[i].flags & O_DIRECT) != 0);
    EXPECT_EQ(j["flags"], ops[i].flags);
    EXPECT_EQ(j["result"], ops[i].result);
    EXPECT_EQ(j["data_hash"], testing::HashOf(ops[i].data));
    EXPECT_EQ(j["text"], ops[i].text);
  }
  EXPECT_EQ(i, ops.size());
}

TEST(LogCommandCliTest, CorruptLogNamesTheOffsetAndExitsNonZero) {
  TempDir dir;
  testing::WriteSampleLog(dir.File("log"), testing::SampleOps(), false);
  auto bytes = diofs::oplog::ReadWholeFile(dir.File("log"));
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() - 60] ^= std::byte{0x40};
  ASSERT_TRUE(diofs::oplog::WriteWholeFile(dir.File("bad"), *bytes).ok());
  const CliRun run = RunCli(dir, "log dump --json " + dir.File("bad"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("damaged at byte "), std::string::npos) << run.err;
  std::istringstream lines(run.out);
  std::size_t good = 0;
  for (std::string line; std::getline(lines, line); ++good) EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  EXPECT_GT(good, 0u);
}

TEST(LogCommandCliTest, HelpAndMissingFile) {
  TempDir dir;
  for (const char* command : {"--help", "log --help", "log dump --help", "log stats --help", "log replay --help"}) {
    const CliRun run = RunCli(dir, command);
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.out.find("Usage"), std::string::npos) << command;
  }
  const CliRun missing = RunCli(dir, "log stats " + dir.File("nothing.log"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nothing.log"), std::string::npos);
  const CliRun replay = RunCli(dir, "log replay " + dir.File("nothing.log"));  // required options missing
  EXPECT_NE(replay.exit_code, 0);
}

}  // namespace
}  // namespace dioharness::logtool
