// diocheck_run: runs a command with libdiocheck.so preloaded.
//   diocheck_run [--mode einval|record] [--log FILE] [--mem-align N] [--quiet]
//                [--library PATH] [--] COMMAND [ARGS...]
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/status/status.h"
#include "fs/diocheck/run_options.h"

namespace {

// build/bin/diocheck_run -> build/lib/libdiocheck.so
std::string LibraryBesideThisProgram() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "libdiocheck.so";
  return (self.parent_path().parent_path() / "lib" / "libdiocheck.so").string();
}

int Usage(const std::string& problem) {
  std::fprintf(stderr, "diocheck_run: %s\n", problem.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  diocheck::RunOptions defaults;
  defaults.library = LibraryBesideThisProgram();
  auto line = diocheck::ParseRunCommandLine(argc, argv, defaults);
  if (!line.ok()) return Usage(line.status().message());
  if (!line->print.empty()) {
    std::fputs(line->print.c_str(), stdout);
    return 0;
  }
  const diocheck::RunOptions& options = line->options;
  const int next = line->command_index;
  const auto variables = diocheck::RunEnvironment(options, std::getenv("LD_PRELOAD"));
  if (!variables.ok()) return Usage(variables.status().message());
  if (!std::filesystem::exists(options.library)) {
    std::fprintf(stderr, "diocheck_run: %s does not exist (build the diocheck target, or pass --library)\n",
                 options.library.c_str());
    return 2;
  }
  for (const auto& [name, value] : *variables) setenv(name.c_str(), value.c_str(), 1);
  execvp(argv[next], argv + next);
  std::fprintf(stderr, "diocheck_run: %s\n", dioh::ErrnoStatus(errno, std::string("cannot run ") + argv[next]).message().c_str());
  return 127;
}
