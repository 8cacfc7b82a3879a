// CLI11 the way every dioharness binary uses it: the program's own name in
// usage lines, --version, help that shows a value's placeholder and its
// default without CLI11's type names ("--channels N  multifd channels
// (default: 4)", not "--channels UINT:INT in [1 - 255]=4"), and every parse
// error as one line naming the bad word, with exit status 2.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace dioh::cli {

// Names the program (usage lines say it, not argv[0]), adds --version and
// installs the help formatter. Call before adding options.
void SetUpApp(CLI::App& app, std::string_view program);

// What to do with a CLI11 parse error: --help and --version print their text
// to stdout and exit 0; anything else prints one line to stderr ("dioharness
// run: unknown option '--bogus' (see dioharness run --help)") and exits 2.
struct ParseErrorOutcome {
  int exit_code = 2;
  std::string text;  // with its final newline
  bool to_stdout = false;
  // An error's line without the command in front ("unknown option '--bogus'
  // (see 'diofs --help')"), for a program that prefixes its own.
  std::string what{};
};
ParseErrorOutcome DescribeParseError(const CLI::App& app, const CLI::ParseError& error);

// Prints the outcome where it belongs and returns its exit code.
int ExitForParseError(const CLI::App& app, const CLI::ParseError& error);

}  // namespace dioh::cli
