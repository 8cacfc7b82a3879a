// diofs(1) and dioharness(1) say what the programs do: every option and
// command their --help shows is in the page, and groff renders the pages
// without a warning.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string Output(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    pclose(pipe);
  }
  return out;
}

// The page's source with roff's escaped hyphens made plain.
std::string Page(const std::string& name) {
  std::ifstream in(std::string(MAN_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return std::regex_replace(text.str(), std::regex(R"(\\-)"), "-");
}

std::set<std::string> LongOptions(const std::string& help) {
  std::set<std::string> options;
  const std::regex option(R"((^|[ ,])(--[a-z][a-z0-9-]*))");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it) {
    options.insert((*it)[2]);
  }
  options.erase("--help");
  return options;
}

// The subcommands a CLI11 help lists under "Subcommands:".
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  const std::size_t start = help.find("Subcommands:");
  if (start == std::string::npos) return names;
  std::istringstream lines(help.substr(start));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    names.push_back(name);
  }
  return names;
}

TEST(ManPagesTest, RenderWithoutWarnings) {
  if (Output("command -v groff").empty()) GTEST_SKIP() << "groff is not installed (scripts/install-deps.sh installs groff-base)";
  for (const char* page : {"diofs.1", "dioharness.1"}) {
    const std::string warnings =
        Output("groff -t -man -ww -z -rLL=80n -Tutf8 " + std::string(MAN_DIR) + "/" + page);
    EXPECT_EQ(warnings, "") << page;
  }
}

TEST(ManPagesTest, DiofsPageHasEveryOption) {
  const std::string help = Output(std::string(DIOFS_BINARY) + " --help");
  const std::string page = Page("diofs.1");
  const std::set<std::string> options = LongOptions(help);
  ASSERT_GT(options.size(), 15u) << help;
  for (const std::string& option : options) EXPECT_NE(page.find(option), std::string::npos) << option;
  for (const char* also : {"-o", "-f", "-s", "-v", ".diofs", "fuse.diofs", "fstab", "\\e,", "strict-64k"}) {
    EXPECT_NE(page.find(also), std::string::npos) << also;
  }
}

TEST(ManPagesTest, DioharnessPageHasEveryCommandAndOption) {
  const std::string page = Page("dioharness.1");
  std::vector<std::string> commands = Subcommands(Output(std::string(DIOHARNESS_BINARY) + " --help"));
  ASSERT_GE(commands.size(), 7u);
  for (const std::string& sub : Subcommands(Output(std::string(DIOHARNESS_BINARY) + " log --help"))) {
    commands.push_back("log " + sub);
  }
  for (const std::string& command : commands) {
    EXPECT_NE(page.find(".B " + command.substr(command.rfind(' ') + 1)), std::string::npos) << command;
    const std::string help = Output(std::string(DIOHARNESS_BINARY) + " " + command + " --help");
    for (const std::string& option : LongOptions(help)) {
      EXPECT_NE(page.find(option), std::string::npos) << "dioharness " << command << " " << option;
    }
  }
}

}  // namespace
