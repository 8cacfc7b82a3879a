// dioharness: mounts diofs, drives migration engines, checks op logs and
// writes reports. Only argument parsing lives here; each subcommand is
// registered from its own file (commands.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "common/cli/cli_app.h"
#include "harness/cli/commands.h"
#include "harness/exec/exec_report.h"
#include "harness/os/interrupt.h"

int main(int argc, char** argv) {
  CLI::App app{"dioharness: test harness for O_DIRECT migration I/O on diofs.\n"
               "Run 'dioharness COMMAND --help' for the options of a command."};
  dioh::cli::SetUpApp(app, "dioharness");
  app.require_subcommand(1);
  // Before any thread: Ctrl-C kills the engines and lets the runner unmount (harness/os/interrupt.h).
  dioh::InterruptWatcher::Install();
  // Through a pipe (CI, tee) each line goes out when it is complete, not when
  // the run ends: std::cout writes through stdout's buffer.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int exit_code = 0;
  dioharness::cli::RegisterDemoCommand(app, exit_code);
  dioharness::cli::RegisterRunCommand(app, exit_code);
  dioharness::cli::RegisterMatrixCommand(app, exit_code);
  dioharness::cli::RegisterRegressCommand(app, exit_code);
  dioharness::cli::RegisterMergeCommand(app, exit_code);
  dioharness::cli::RegisterLogCommand(app, exit_code);
  dioharness::cli::RegisterBenchReportCommand(app, exit_code);
  dioharness::cli::RegisterExecCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = dioh::cli::ExitForParseError(app, e);  // 0 for --help and --version, else one line and 2
    // exec follows env(1): 125 for its own errors, so that 1 and 2 stay the command's.
    return code != 0 && app.get_subcommand("exec")->parsed() ? dioh::exec::kExitFixtureError : code;
  } catch (const std::exception& e) {  // nothing may escape main
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
