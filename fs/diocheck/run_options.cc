#include "fs/diocheck/run_options.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "common/cli/version.h"

namespace diocheck {

const char* const kRunHelp =
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
    "  --version       print the version and exit\n"
    "\n"
    "On diofs, violations also land in the op log via <mount>/.diofs/violation.\n"
    "See fs/diocheck/DIOCHECK.md.\n";

namespace {

dioh::Status Bad(const std::string& what) {
  return dioh::Status::Error(EINVAL, what + " (see 'diocheck_run --help')");
}

}  // namespace

dioh::Result<RunCommandLine> ParseRunCommandLine(int argc, const char* const* argv, RunOptions defaults) {
  RunCommandLine line;
  line.options = std::move(defaults);
  int next = 1;
  for (; next < argc; ++next) {
    const std::string_view argument = argv[next];
    if (argument == "--") {
      ++next;
      break;
    }
    if (argument == "-h" || argument == "--help") return RunCommandLine{line.options, 0, kRunHelp};
    if (argument == "--version") return RunCommandLine{line.options, 0, dioh::cli::VersionLine("diocheck_run") + "\n"};
    if (!argument.starts_with("-")) break;  // the command
    if (argument == "--quiet") {
      line.options.quiet = true;
      continue;
    }
    // Unknown before missing value: `--bogus CMD` is about --bogus, not CMD.
    if (argument != "--mode" && argument != "--log" && argument != "--library" && argument != "--mem-align") {
      return Bad("unknown option '" + std::string(argument) + "'");
    }
    if (next + 1 >= argc) return Bad(std::string(argument) + " needs a value");
    const char* value = argv[++next];
    if (argument == "--mode") {
      line.options.mode = value;
    } else if (argument == "--log") {
      line.options.log = value;
    } else if (argument == "--library") {
      line.options.library = value;
    } else {
      char* end = nullptr;
      const unsigned long parsed = std::strtoul(value, &end, 10);
      if (end == value || *end != '\0' || parsed > (1ul << 30)) {
        return Bad("--mem-align needs a number such as 4096, not '" + std::string(value) + "'");
      }
      line.options.mem_align = static_cast<unsigned>(parsed);
    }
  }
  if (next >= argc) return Bad("no command to run");
  line.command_index = next;
  return line;
}

dioh::Result<std::vector<std::pair<std::string, std::string>>> RunEnvironment(
    const RunOptions& options, const char* existing_preload) {
  if (options.library.empty()) return dioh::Status::Error(EINVAL, "no libdiocheck.so path");
  if (!options.mode.empty() && options.mode != "einval" && options.mode != "record") {
    return dioh::Status::Error(EINVAL, "--mode must be einval or record, not '" + options.mode + "'");
  }
  if (options.mem_align && (*options.mem_align == 0 || (*options.mem_align & (*options.mem_align - 1)) != 0)) {
    return dioh::Status::Error(EINVAL, "--mem-align must be a power of two, not " +
                                           std::to_string(*options.mem_align));
  }
  std::vector<std::pair<std::string, std::string>> variables;
  std::string preload = std::filesystem::absolute(options.library).string();
  if (existing_preload != nullptr && *existing_preload != '\0') {
    preload += ":";
    preload += existing_preload;
  }
  variables.emplace_back("LD_PRELOAD", preload);
  if (!options.mode.empty()) variables.emplace_back("DIOCHECK_MODE", options.mode);
  // Absolute: the library opens the log per report, after any chdir.
  if (!options.log.empty()) {
    variables.emplace_back("DIOCHECK_LOG", std::filesystem::absolute(options.log).string());
  }
  if (options.mem_align) variables.emplace_back("DIOCHECK_MEM_ALIGN", std::to_string(*options.mem_align));
  if (options.quiet) variables.emplace_back("DIOCHECK_QUIET", "1");
  return variables;
}

}  // namespace diocheck
