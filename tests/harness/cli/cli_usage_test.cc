// dioharness's command line from the outside, without mounting anything:
// every command-line error exits 2 with one line naming the bad word,
// --version and --help exit 0, unknown profiles are named with the list.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstdlib>
#include <filesystem>

#include "tests/harness/cli/process_util.h"

namespace {

using cli_test::ReadFile;

class CliUsageTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = cli_test::MakeTempDir("cli_usage_test");
    ASSERT_NE(dir_, "");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  struct Result {
    int code;
    std::string out, err;
  };
  Result Run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {DIOHARNESS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    cli_test::Child child = cli_test::Start(argv, dir_, {"TMPDIR=" + dir_});
    const int code = cli_test::Wait(child, std::chrono::seconds(30));
    return {code, ReadFile(child.out_path), ReadFile(child.err_path)};
  }
  std::string dir_;
};

TEST_F(CliUsageTest, EveryCommandLineErrorExitsTwoWithOneLineNamingTheWord) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "dioharness: a command is required: demo, run, matrix, regress, merge, log, bench-report, exec (see 'dioharness --help')\n"},
      {{"run", "--bogus"}, "dioharness run: unknown option '--bogus' (see 'dioharness run --help')\n"},
      {{"run", "/nonexistent.json"}, "dioharness run: FILE: File does not exist: /nonexistent.json (see 'dioharness run --help')\n"},
      {{"matrix", "--bogus"}, "dioharness matrix: unknown option '--bogus' (see 'dioharness matrix --help')\n"},
      {{"frobnicate"}, "dioharness: unknown command 'frobnicate' (commands: demo, run, matrix, regress, merge, log, "
                       "bench-report, exec) (see 'dioharness --help')\n"},
      {{"log", "dump"}, "dioharness log dump: FILE is required (see 'dioharness log dump --help')\n"},
      {{"demo", "--maps", "some"}, ""},
      {{"demo", "--ram", "foo"}, "dioharness demo: --ram: RAM block 'foo' is not NAME=SIZE\n"},
      {{"bench", "--help"}, "dioharness: unknown command 'bench' (commands: demo, run, matrix, regress, merge, log, "
                            "bench-report, exec) (see 'dioharness --help')\n"},
  };
  for (const auto& [args, line] : cases) {
    const Result r = Run(args);
    std::string shown;
    for (const std::string& a : args) shown += a + " ";
    EXPECT_EQ(r.code, 2) << shown << r.err;
    if (!line.empty()) {
      EXPECT_EQ(r.err, line) << shown;
    }
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << shown << r.err;
    EXPECT_EQ(r.out, "") << shown;
  }
}

TEST_F(CliUsageTest, UnknownProfilesAreNamedWithTheKnownOnes) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"matrix", "--profile", "strict-8k"},
                                               {"matrix", "--profile", "ext4-512", "--profile", "STRICT-4K"},
                                               {"demo", "--profile", "strict-8k"}}) {
    const Result r = Run(args);
    EXPECT_EQ(r.code, 2) << args[0] << " " << r.err;
    const std::string bad = args.back();
    EXPECT_NE(r.err.find("unknown profile '" + bad + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("strict-4k, ext4-512, xfs-4k, tmpfs, no-odirect, strict-64k, lenient"), std::string::npos) << r.err;
  }
}

TEST_F(CliUsageTest, VersionAndHelpExitZero) {
  const Result version = Run({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("dioharness ", 0), 0u) << version.out;
  for (const char* command : {"demo", "run", "matrix", "regress", "merge", "log", "bench-report", "exec"}) {
    const Result help = Run({command, "--help"});
    EXPECT_EQ(help.code, 0) << command;
    EXPECT_NE(help.out.find(std::string("Usage: dioharness ") + command), std::string::npos) << help.out;
  }
}

// exec follows env(1): its own usage errors are 125, so that 1 and 2 stay the command's.
TEST_F(CliUsageTest, ExecUsageErrorsExit125WithOneLine) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"exec", "--bogus", "--", "true"},
                                               {"exec"},
                                               {"exec", "--on-violation", "maybe", "--", "true"}}) {
    const Result r = Run(args);
    EXPECT_EQ(r.code, 125) << args.back() << " " << r.err;
    EXPECT_EQ(r.err.rfind("dioharness exec: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
