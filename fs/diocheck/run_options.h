// What `diocheck_run` puts in a command's environment to run it under
// libdiocheck.so, and its command line. Validated here, applied by the CLI
// (diocheck_run.cc).
#pragma once

#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "common/status/status.h"

namespace diocheck {

struct RunOptions {
  std::string library;             // path of libdiocheck.so
  std::string mode;                // "", "einval" or "record"
  std::string log;                 // "" or a file (made absolute)
  std::optional<unsigned> mem_align;
  bool quiet = false;              // no line on stderr per violation
};

// The variables to set, in order: LD_PRELOAD (the library first, then any
// `existing_preload`), then DIOCHECK_MODE / DIOCHECK_LOG / DIOCHECK_MEM_ALIGN
// / DIOCHECK_QUIET for the options given. Fails with EINVAL on an invalid option.
dioh::Result<std::vector<std::pair<std::string, std::string>>> RunEnvironment(
    const RunOptions& options, const char* existing_preload);

// The command line: options up to "--" or the first word that is not one,
// then the command. `options.library` keeps its value unless --library is
// given. --help and --version come back as text to print (exit 0); an error
// is one line naming the bad word (exit 2). The values themselves are checked
// by RunEnvironment.
struct RunCommandLine {
  RunOptions options;
  int command_index = 0;  // argv[command_index] is the command (when print is empty)
  std::string print;      // --help or --version: print this and exit 0
};
dioh::Result<RunCommandLine> ParseRunCommandLine(int argc, const char* const* argv, RunOptions defaults);

extern const char* const kRunHelp;

}  // namespace diocheck
