// `dioharness demo` (what `make demo` runs): one save and load with the
// settings this project is about — mrmigrate saves a 256 MiB guest with mapped-ram + multifd (4
// channels) + direct-io onto a strict-4k diofs, a second mrmigrate loads it,
// every check runs over the op log, the file and the RAM model, and the
// verdict fits on one screen.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/report/report.h"
#include "harness/report/text_layout.h"
#include "harness/runner/batch.h"
#include "harness/os/interrupt.h"
#include "harness/runner/scenario_runner.h"

namespace dioharness::cli {

namespace {

struct DemoOptions {
  std::string ram = "pc.ram=256M";
  std::string profile = "strict-4k";
  unsigned channels = 4;
  RunOptions run;
};

dioh::Scenario DemoScenario(const DemoOptions& options) {
  dioh::Scenario scenario;
  scenario.name = "demo";
  scenario.description = "mapped-ram + multifd + direct-io save and load on a strict-4k diofs";
  scenario.diofs.profile = options.profile;
  scenario.guest.ram = options.ram;
  scenario.capabilities = {{"mapped-ram", true}, {"multifd", true}};
  scenario.parameters = nlohmann::json{{"multifd-channels", options.channels}, {"direct-io", true}};
  scenario.expect = dioh::ExpectedOutcome{};
  // libdiocheck watches the engines' buffers: without it buffers-aligned could only say "not checked".
  scenario.preload = true;
  return scenario;
}

// "  FAIL odirect-aligned           " and the detail, wrapped to the screen
// under itself: the whole detail, the useful part is often at its end.
void PrintRow(const std::string& head, const std::string& detail, std::size_t columns, std::ostream& out) {
  const std::size_t width = columns > head.size() + 20 ? columns - head.size() - 1 : 60;
  const std::vector<std::string> lines = dioh::WrapText(detail, width);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << (i == 0 ? head : std::string(head.size(), ' ')) << lines[i] << "\n";
  }
}

std::string Head(const std::string& status, const std::string& name) {
  char head[64];
  std::snprintf(head, sizeof head, "  %-4s %-24s ", status.c_str(), name.c_str());
  return head;
}

void PrintVerdict(const dioh::Scenario& scenario, const dioh::JobRun& run, const RunOptions& options, bool map_written,
                  std::ostream& out) {
  const dioh::ScenarioResult& result = run.result;
  const double mib = static_cast<double>(scenario.guest.TotalRamBytes()) / (1 << 20);
  char line[256];
  out << "dioharness demo\n";
  out << "  diofs    " << scenario.diofs.profile << ", mem backend, op log on\n";
  out << "  engine   mrmigrate over QMP: mapped-ram + multifd (" << dioh::MultifdChannels(scenario)
      << " channels) + direct-io\n";
  out << "  guest    " << scenario.guest.ram << ", " << static_cast<int>(scenario.guest.zero_fraction * 100)
      << " % zero pages\n";
  std::snprintf(line, sizeof line, "  save     %.2f s (%.0f MiB/s of RAM), file %.1f MiB", run.save_seconds,
                run.save_seconds > 0 ? mib / run.save_seconds : 0.0, static_cast<double>(run.file_bytes) / (1 << 20));
  out << line << "\n";
  std::snprintf(line, sizeof line, "  load     %.2f s", run.load_seconds);
  out << line << "\n";
  // Not a terminal (a pipe, a file): lines as wide as a log viewer shows.
  const std::size_t columns = TerminalColumns() > 0 ? TerminalColumns() : 120;
  PrintRow("  outcome  ", result.outcome, columns, out);
  out << "\n";
  for (const dioh::RunnerFailure& failure : result.runner_failures) {
    PrintRow(Head("FAIL", std::string(dioh::RunnerFailureName(failure.kind))), failure.detail, columns, out);
  }
  for (const dioh::CheckResult& check : result.checks) {
    const std::string status =
        check.status == dioh::CheckStatus::kFail ? "FAIL" : std::string(dioh::CheckStatusName(check.status));
    PrintRow(Head(status, check.name), check.detail, columns, out);
  }
  out << "\n  VERDICT: " << dioh::VerdictWord(result.verdict) << "\n";
  if (!result.reason.empty()) PrintRow("           ", result.reason, columns, out);
  out << "  reports: " << options.out_dir << "/report.{json,md,xml}";
  if (map_written) out << ", " << options.out_dir << "/write-map.svg";
  out << "\n";
}

int RunDemo(const DemoOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (dioh::Status status = CheckProfileNames({options.profile}); !status.ok()) {
    std::cerr << "dioharness demo: " << status.message() << "\n";
    return kExitUsage;
  }
  if (dioh::Status ram = dioh::CheckGuestRam(options.ram); !ram.ok()) {
    std::cerr << "dioharness demo: --ram: " << ram.message() << "\n";
    return kExitUsage;
  }
  auto prepared = Prepare(options.run, std::cout);
  if (!prepared.ok()) {
    std::cerr << "dioharness demo: " << prepared.status().message() << "\n";
    return kExitUsage;
  }
  const dioh::Scenario scenario = DemoScenario(options);
  auto job = dioh::JobFromScenario(scenario);
  if (!job.ok()) {
    std::cerr << "dioharness demo: " << job.status().message() << "\n";
    return kExitUsage;
  }
  if (!options.run.quiet && !options.run.json) {
    std::cout << "dioharness demo: mounting diofs, saving " << scenario.guest.ram << " and loading it back...\n";
  }
  if (prepared->progress) prepared->progress->SetPrefix("  ");
  dioh::JobRun run = dioh::RunJob(*job, prepared->environment);
  if (prepared->progress) prepared->progress->Clear();
  run.result.configuration = dioh::DescribeScenario(scenario);
  dioh::Report report;
  report.title = "dioharness demo";
  report.started_at = dioh::NowIso8601();
  report.configuration = dioh::RunConfiguration(prepared->environment);
  report.results.push_back(run.result);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::error_code ignored;
  std::filesystem::create_directories(options.run.out_dir, ignored);
  const bool want_map = options.run.maps == "all" ||
                        (options.run.maps == "failed" && !dioh::VerdictIsSuccess(run.result.verdict));
  const std::string map_path = options.run.out_dir + "/write-map.svg";
  const bool map_written = want_map && !run.write_map_svg.empty();
  if (map_written) {
    if (dioh::Status status = dioh::WriteFileAtomically(map_path, run.write_map_svg); !status.ok()) {
      std::cerr << "dioharness demo: " << status.message() << "\n";
      return kExitUsage;
    }
  } else {
    // A map left by an earlier demo would sit beside this run's report as if it were its own.
    std::filesystem::remove(map_path, ignored);
  }
  if (!options.run.quiet && !options.run.json) PrintVerdict(scenario, run, options.run, map_written, std::cout);
  RunOptions quiet = options.run;
  quiet.quiet = true;
  const bool interrupted = dioh::InterruptWatcher::Instance().interrupted();
  if (options.run.json || options.run.quiet) return Finish(report, options.run, interrupted, std::cout, std::cerr);
  std::ostringstream summary_sink;  // the verdict above already said it
  return Finish(report, quiet, interrupted, summary_sink, std::cerr);
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* command = app.add_subcommand(
      "demo", "Try it: mrmigrate saves a 256 MiB guest with mapped-ram + multifd + direct-io onto a strict-4k "
              "diofs and loads it back, every check runs, and the verdict fits on one screen (reports in --out)");
  command->add_option("--ram", options->ram, "guest RAM blocks (pc.ram=1G,vga.vram=16M)")->type_name("IDSTR=SIZE[,...]")->capture_default_str();
  command->add_option("--profile", options->profile, "diofs profile (try no-odirect or strict-64k to see failures)")
      ->capture_default_str();
  command->add_option("--channels", options->channels, "multifd channels")->capture_default_str()->check(CLI::Range(1, 255));
  AddRunOptions(*command, options->run, "results/demo", "all");
  command->footer("Exit codes: 0 pass; 1 a check failed; 2 bad input; 130 interrupted.");
  command->callback([options, &exit_code] { exit_code = RunDemo(*options); });
}

}  // namespace dioharness::cli
