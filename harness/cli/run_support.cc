#include "harness/cli/run_support.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "fs/core/profile.h"
#include "harness/os/interrupt.h"

namespace dioharness::cli {

void AddRunOptions(CLI::App& command, RunOptions& options, const std::string& default_out, const std::string& default_maps) {
  options.out_dir = default_out;
  options.maps = default_maps;
  command.add_option("--engine", options.engine,
                     "migration engine: mrmigrate (the one beside dioharness), mrmigrate:PATH, or qemu:PATH "
                     "(a QEMU >= 9.1 system emulator, driven over QMP the same way)")
      ->capture_default_str();
  command.add_option("--out", options.out_dir, "folder for report.json, report.md, report.xml and write maps")
      ->type_name("DIR")
      ->capture_default_str();
  command.add_flag("--quiet", options.quiet, "no progress lines; only the summary");
  command.add_flag("--json", options.json, "print report.json to stdout instead of progress and summary");
  command.add_flag("--keep-logs", options.keep_logs, "keep each run's op log in OUT/logs/<job>.oplog");
  command.add_option("--maps", options.maps, "write maps (SVG) to draw: all, failed, none")
      ->check(CLI::IsMember({"all", "failed", "none"}))
      ->capture_default_str();
}

dioh::Result<Prepared> Prepare(const RunOptions& options, std::ostream& out) {
  Prepared prepared;
  auto engine = dioh::MakeEngineDriver(options.engine);
  if (!engine.ok()) return engine.status();
  prepared.engine = std::move(*engine);
  prepared.environment.engine = prepared.engine.get();
  prepared.environment.preload_library = dioh::DefaultPreloadLibrary();
  // A missing library would be ignored by the loader and the engines run unwatched:
  // then no scenario counts as preloaded (buffers-aligned says not checked).
  if (std::error_code ec; !std::filesystem::exists(prepared.environment.preload_library, ec)) {
    prepared.environment.preload_library.clear();
  }
  prepared.environment.keep_logs = options.keep_logs;
  prepared.environment.artefact_dir = options.out_dir + "/logs";
  if (options.keep_logs) std::filesystem::create_directories(prepared.environment.artefact_dir);
  prepared.batch.out_dir = options.out_dir;
  prepared.batch.write_maps = options.maps == "all"      ? dioh::WriteMaps::kAll
                              : options.maps == "failed" ? dioh::WriteMaps::kFailed
                                                         : dioh::WriteMaps::kNone;
  prepared.batch.progress = options.quiet || options.json ? nullptr : &out;
  if (prepared.batch.progress != nullptr) {
    const std::size_t columns = &out == &std::cout ? TerminalColumns() : 0;
    prepared.progress = std::make_shared<dioh::ProgressPrinter>(out, columns > 0, columns);
    dioh::ProgressPrinter* printer = prepared.progress.get();
    prepared.environment.progress = [printer](const char* side, const dioh::MigrationProgress& progress) {
      printer->Update(side, progress);
    };
    prepared.environment.step = [printer](const char* what) { printer->Step(what); };
    prepared.batch.job_started = [printer](const std::string& label) { printer->SetPrefix(label); };
    prepared.batch.job_ended = [printer] { printer->Clear(); };
  }
  return prepared;
}

std::size_t TerminalColumns() {
  if (isatty(STDOUT_FILENO) != 1) return 0;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

dioh::Status CheckProfileNames(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (auto profile = diofs::ProfileByName(name); !profile.ok()) return profile.status().WithContext("--profile");
  }
  return dioh::Status::Ok();
}

std::string DefaultScenarioDir() {
  if (const char* dir = std::getenv("DIOHARNESS_SCENARIOS"); dir != nullptr && *dir != '\0') return dir;
  // PREFIX/bin/dioharness -> PREFIX/share/dioharness/scenarios: the installed
  // tree, and the build tree (harness/cli/CMakeLists.txt links it there).
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "share/dioharness/scenarios";
  return (self.parent_path().parent_path() / "share" / "dioharness" / "scenarios").string();
}

int Finish(dioh::Report& report, const RunOptions& options, bool interrupted, std::ostream& out, std::ostream& err) {
  if (dioh::Status status = dioh::WriteReportFiles(report, options.out_dir, "report"); !status.ok()) {
    err << "dioharness: " << status.message() << "\n";
    return kExitUsage;
  }
  if (options.json) {
    out << dioh::ToJson(report);
  } else {
    out << report.title << ": " << dioh::CountsLine(report) << ", "
        << report.results.size() << (report.results.size() == 1 ? " run in " : " runs in ") << static_cast<int>(report.wall_seconds + 0.5) << " s\n"
        << "reports: " << options.out_dir << "/report.{json,md,xml}\n";
  }
  if (interrupted) {
    err << "dioharness: interrupted (signal " << dioh::InterruptWatcher::Instance().signal_number()
        << "): engines killed, diofs unmounted; the report holds the runs that finished\n";
    return kExitInterrupted;
  }
  return report.AllSucceeded() ? kExitPassed : kExitFailed;
}

}  // namespace dioharness::cli
