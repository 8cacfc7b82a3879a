// The subcommands of `dioharness`, one Register function per file. Each adds
// its subcommand to `app` and, when it runs, stores the process exit code in
// `exit_code`. To add a command (demo, run, matrix, ...): write
// <name>_command.cc with Register<Name>Command, declare it here and call it
// in main.cc.
#pragma once

#include <CLI/CLI.hpp>

namespace dioharness::cli {

void RegisterLogCommand(CLI::App& app, int& exit_code);
void RegisterDemoCommand(CLI::App& app, int& exit_code);
void RegisterRunCommand(CLI::App& app, int& exit_code);
void RegisterMatrixCommand(CLI::App& app, int& exit_code);
void RegisterRegressCommand(CLI::App& app, int& exit_code);
void RegisterMergeCommand(CLI::App& app, int& exit_code);
void RegisterBenchReportCommand(CLI::App& app, int& exit_code);
void RegisterExecCommand(CLI::App& app, int& exit_code);

}  // namespace dioharness::cli
