// diocheck_run: runs a command with libdiocheck.so preloaded.
//   diocheck_run [--mode einval|record] [--log FILE] [--mem-align N] [--quiet]
//                [--library PATH] [--] COMMAND [ARGS...]
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "fs/diocheck/run_options.h"

namespace {

constexpr const char* kHelp =
    "usage: diocheck_run [--mode einval|record] [--log FILE] [--mem-align N] [--quiet]\n"
    "                    [--library PATH] [--] COMMAND [ARGS...]\n"
    "\n"
    "Runs COMMAND with libdiocheck.so preloaded. Every read or write on an O_DIRECT\n"
    "descriptor whose buffer address or length is not a multiple of the memory\n"
    "alignment of the file's filesystem (the diofs profile's mem_align, else statx\n"
    "STATX_DIOALIGN, else --mem-align) fails with EINVAL and is reported once: a\n"
    "line on stderr (what, path, offset, length, buffer, rule, thread, call site).\n"
    "Linux AIO (io_submit) is checked iocb by iocb; io_uring's buffers cannot be\n"
    "seen, and a line says so when the program sets io_uring up.\n"
    "\n"
    "  --mode einval   fail violating calls with EINVAL, nothing transferred (default)\n"
    "  --mode record   let them through, only report\n"
    "  --log FILE      append one JSON line per violation to FILE\n"
    "  --mem-align N   alignment for files whose filesystem reports none (e.g. tmpfs)\n"
    "  --quiet         no line on stderr (DIOCHECK_QUIET=1); the log and diofs still get it\n"
    "  --library PATH  libdiocheck.so to preload (default: ../lib/ beside this program)\n"
    "\n"
    "On diofs, violations also land in the op log via <mount>/.diofs/violation.\n"
    "See fs/diocheck/DIOCHECK.md.\n";

// build/bin/diocheck_run -> build/lib/libdiocheck.so
std::string LibraryBesideThisProgram() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "libdiocheck.so";
  return (self.parent_path().parent_path() / "lib" / "libdiocheck.so").string();
}

int Usage(const char* problem) {
  std::fprintf(stderr, "diocheck_run: %s\n\n%s", problem, kHelp);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  diocheck::RunOptions options;
  options.library = LibraryBesideThisProgram();
  int next = 1;
  for (; next < argc; ++next) {
    const std::string_view argument = argv[next];
    if (argument == "--") {
      ++next;
      break;
    }
    if (argument == "-h" || argument == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (!argument.starts_with("-")) break;  // the command
    if (argument == "--quiet") {
      options.quiet = true;
      continue;
    }
    if (next + 1 >= argc) return Usage((std::string(argument) + " needs a value").c_str());
    const char* value = argv[++next];
    if (argument == "--mode") {
      options.mode = value;
    } else if (argument == "--log") {
      options.log = value;
    } else if (argument == "--library") {
      options.library = value;
    } else if (argument == "--mem-align") {
      char* end = nullptr;
      const unsigned long parsed = std::strtoul(value, &end, 10);
      if (end == value || *end != '\0' || parsed > (1ul << 30)) {
        return Usage("--mem-align needs a number such as 4096");
      }
      options.mem_align = static_cast<unsigned>(parsed);
    } else {
      return Usage(("unknown option " + std::string(argument)).c_str());
    }
  }
  if (next >= argc) return Usage("no command to run");

  const auto variables = diocheck::RunEnvironment(options, std::getenv("LD_PRELOAD"));
  if (!variables.ok()) return Usage(variables.status().ToString().c_str());
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
