#include "common/cli/cli_app.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dioh::cli {
namespace {

// A small command line shaped like dioharness's: subcommands, a required
// positional, a ranged number, a choice.
class CliAppTest : public testing::Test {
 protected:
  void SetUp() override {
    SetUpApp(app_, "prog");
    app_.require_subcommand(1);
    CLI::App* run = app_.add_subcommand("run", "run files");
    run->add_option("FILE", files_, "scenario files")->required()->check(CLI::ExistingFile);
    run->add_option("--channels", channels_, "multifd channels")->capture_default_str()->check(CLI::Range(1, 255));
    run->add_option("--maps", maps_, "maps to draw")->check(CLI::IsMember({"all", "failed", "none"}))->capture_default_str();
    run->add_flag("--quiet", quiet_, "no progress");
    run->add_option("--on-violation", mode_, "what to do");
    run->add_option("--out", out_, "folder")->type_name("DIR");
    app_.add_subcommand("merge", "join reports");
  }
  ParseErrorOutcome Parse(std::vector<std::string> args) {
    std::vector<char*> argv;
    std::string name = "/some/build/bin/prog";
    argv.push_back(name.data());
    for (std::string& a : args) argv.push_back(a.data());
    try {
      app_.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& error) {
      return DescribeParseError(app_, error);
    }
    return {0, "parsed", false};
  }

  CLI::App app_{"test program"};
  std::vector<std::string> files_;
  unsigned channels_ = 4;
  std::string maps_ = "failed";
  bool quiet_ = false;
  std::string mode_;
  std::string out_;
};

TEST_F(CliAppTest, AnUnknownOptionIsNamedBeforeAMissingPositional) {
  const ParseErrorOutcome outcome = Parse({"run", "--bogus"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_FALSE(outcome.to_stdout);
  EXPECT_EQ(outcome.text, "prog run: unknown option '--bogus' (see 'prog run --help')\n");
  EXPECT_EQ(outcome.what, "unknown option '--bogus' (see 'prog run --help')");
}

TEST_F(CliAppTest, AMissingOrUnknownCommandListsTheCommands) {
  EXPECT_EQ(Parse({}).text, "prog: a command is required: run, merge (see 'prog --help')\n");
  EXPECT_EQ(Parse({}).exit_code, 2);
  EXPECT_EQ(Parse({"bogus"}).text, "prog: unknown command 'bogus' (commands: run, merge) (see 'prog --help')\n");
  EXPECT_EQ(Parse({"--bogus"}).text, "prog: unknown option '--bogus' (see 'prog --help')\n");
}

TEST_F(CliAppTest, ValidationErrorsNameTheValue) {
  const ParseErrorOutcome missing = Parse({"run", "/nonexistent.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.text.find("/nonexistent.json"), std::string::npos) << missing.text;
  EXPECT_EQ(missing.text.rfind("prog run: ", 0), 0u) << missing.text;
  const ParseErrorOutcome range = Parse({"run", "/etc/passwd", "--channels", "300"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.text.find("300"), std::string::npos) << range.text;
  // One line, whatever CLI11 said.
  EXPECT_EQ(range.text.find('\n'), range.text.size() - 1);
}

TEST_F(CliAppTest, VersionAndHelpExitZeroOnStdout) {
  const ParseErrorOutcome version = Parse({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(version.to_stdout);
  EXPECT_EQ(version.text.rfind("prog ", 0), 0u) << version.text;
  const ParseErrorOutcome help = Parse({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(help.to_stdout);
  EXPECT_NE(help.text.find("run files"), std::string::npos) << help.text;
}

// Help shows the program's name, a word for each value and its default, and
// none of CLI11's type names.
TEST_F(CliAppTest, HelpHasNoTypeNoise) {
  const std::string help = Parse({"run", "--help"}).text;
  EXPECT_NE(help.find("prog run"), std::string::npos) << help;
  EXPECT_EQ(help.find("/some/build/bin"), std::string::npos) << help;
  EXPECT_NE(help.find("--channels N"), std::string::npos) << help;
  EXPECT_NE(help.find("multifd channels (default: 4)"), std::string::npos) << help;
  EXPECT_NE(help.find("--maps all|failed|none"), std::string::npos) << help;
  EXPECT_EQ(help.find("--quiet VALUE"), std::string::npos) << help;  // a flag takes none
  EXPECT_NE(help.find("--quiet "), std::string::npos) << help;
  EXPECT_NE(help.find("  FILE ...  "), std::string::npos) << help;  // a positional: its name, no type
  EXPECT_NE(help.find("--on-violation ON_VIOLATION "), std::string::npos) << help;  // a string: named after its option
  EXPECT_NE(help.find("--out DIR "), std::string::npos) << help;  // unless the command names it
  for (const char* noise : {"UINT", "INT in", "TEXT", "[1 - 255]", "=4"}) {
    EXPECT_EQ(help.find(noise), std::string::npos) << noise << " in\n" << help;
  }
}

}  // namespace
}  // namespace dioh::cli
