#include "fs/diocheck/run_options.h"

#include <utility>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

using Variables = std::vector<std::pair<std::string, std::string>>;

TEST(RunEnvironmentTest, PreloadsTheLibraryFirstAndSetsOnlyWhatWasGiven) {
  RunOptions options;
  options.library = "/opt/lib/libdiocheck.so";
  auto variables = RunEnvironment(options, nullptr);
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(*variables, (Variables{{"LD_PRELOAD", "/opt/lib/libdiocheck.so"}}));
  options.mode = "record";
  options.log = "/tmp/v.jsonl";
  options.mem_align = 4096;
  options.quiet = true;
  variables = RunEnvironment(options, "/usr/lib/libother.so");
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ(*variables, (Variables{{"LD_PRELOAD", "/opt/lib/libdiocheck.so:/usr/lib/libother.so"},
                                   {"DIOCHECK_MODE", "record"},
                                   {"DIOCHECK_LOG", "/tmp/v.jsonl"},
                                   {"DIOCHECK_MEM_ALIGN", "4096"},
                                   {"DIOCHECK_QUIET", "1"}}));
}

TEST(RunEnvironmentTest, RelativePathsBecomeAbsolute) {
  RunOptions options;
  options.library = "build/lib/libdiocheck.so";
  options.log = "v.jsonl";
  const auto variables = RunEnvironment(options, "");
  ASSERT_TRUE(variables.ok());
  EXPECT_EQ((*variables)[0].second.front(), '/');
  EXPECT_EQ((*variables)[1].second.front(), '/');
}

TEST(RunEnvironmentTest, RejectsBadModeAndAlignment) {
  RunOptions options;
  options.library = "libdiocheck.so";
  options.mode = "warn";
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
  options.mode = "";
  options.mem_align = 3000;
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
  options.mem_align = 0;
  EXPECT_EQ(RunEnvironment(options, nullptr).status().code(), EINVAL);
}

}  // namespace
}  // namespace diocheck

namespace diocheck {
namespace {

dioh::Result<RunCommandLine> ParseLine(std::vector<const char*> args) {
  args.insert(args.begin(), "diocheck_run");
  RunOptions defaults;
  defaults.library = "/default/libdiocheck.so";
  return ParseRunCommandLine(static_cast<int>(args.size()), args.data(), defaults);
}

TEST(ParseRunCommandLineTest, OptionsThenTheCommand) {
  auto line = ParseLine({"--mode", "record", "--mem-align", "4096", "dd", "if=x"});
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_EQ(line->options.mode, "record");
  EXPECT_EQ(line->options.mem_align, 4096u);
  EXPECT_EQ(line->options.library, "/default/libdiocheck.so");
  EXPECT_EQ(line->command_index, 5);
  auto dashed = ParseLine({"--library", "/l.so", "--", "--weird-command"});
  ASSERT_TRUE(dashed.ok());
  EXPECT_EQ(dashed->options.library, "/l.so");
  EXPECT_EQ(dashed->command_index, 4);
  auto quiet = ParseLine({"--quiet", "dd"});
  ASSERT_TRUE(quiet.ok());
  EXPECT_TRUE(quiet->options.quiet);
  EXPECT_EQ(quiet->command_index, 2);
  EXPECT_FALSE(line->options.quiet);
}

// Each error is one line naming the word that is wrong.
TEST(ParseRunCommandLineTest, ErrorsNameTheBadWord) {
  EXPECT_EQ(ParseLine({"--bogus"}).status().message(), "unknown option '--bogus' (see 'diocheck_run --help')");
  EXPECT_EQ(ParseLine({"--bogus", "dd"}).status().message(), "unknown option '--bogus' (see 'diocheck_run --help')");
  EXPECT_EQ(ParseLine({"--mode"}).status().message(), "--mode needs a value (see 'diocheck_run --help')");
  EXPECT_EQ(ParseLine({"--mem-align", "4k", "dd"}).status().message(),
            "--mem-align needs a number such as 4096, not '4k' (see 'diocheck_run --help')");
  EXPECT_EQ(ParseLine({}).status().message(), "no command to run (see 'diocheck_run --help')");
}

TEST(ParseRunCommandLineTest, HelpAndVersionAreTextToPrint) {
  auto help = ParseLine({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_NE(help->print.find("usage: diocheck_run"), std::string::npos);
  auto version = ParseLine({"--version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->print.rfind("diocheck_run ", 0), 0u) << version->print;
}

}  // namespace
}  // namespace diocheck
