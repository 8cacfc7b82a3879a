// `dioharness bench-report`: reads the Google Benchmark JSON of `make bench`
// and the harness reports, hands the texts to harness/benchreport, writes
// summary.md and summary.svg.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "harness/benchreport/bench_report.h"
#include "harness/cli/commands.h"
#include "harness/report/report.h"

namespace dioharness::cli {

namespace {

namespace fs = std::filesystem;

struct BenchReportOptions {
  std::string dir = "results/bench";
  std::string out_dir;  // defaults to dir
  std::string matrix_report = "results/matrix/report.json";
  std::string regress_report = "results/regress/report.json";
};

bool ReadText(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

// Every *.json of `dir` except what this command writes, by name.
dioh::Status ReadBenchmarkJson(const std::string& dir, std::vector<dioh::benchreport::NamedText>& out) {
  std::error_code error;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".json") paths.push_back(it->path());
  }
  if (error) return dioh::Status::Error(error.value(), "cannot list " + dir + ": " + error.message());
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    dioh::benchreport::NamedText input{path.filename().string(), {}};
    if (!ReadText(path, input.text)) return dioh::Status::Error(EIO, "cannot read " + path.string());
    out.push_back(std::move(input));
  }
  if (out.empty()) return dioh::Status::Error(ENOENT, "no *.json in " + dir + " (run `make bench` first)");
  return dioh::Status::Ok();
}

int Run(const BenchReportOptions& options) {
  dioh::benchreport::BenchReportInputs inputs;
  if (dioh::Status s = ReadBenchmarkJson(options.dir, inputs.benchmark_json); !s.ok()) {
    std::cerr << "dioharness bench-report: " << s.message() << "\n";
    return 2;
  }
  for (const auto& [name, path] : {std::pair<const char*, std::string>{"matrix", options.matrix_report},
                                   {"regress", options.regress_report}}) {
    dioh::benchreport::NamedText input{name, {}};
    if (ReadText(path, input.text)) {
      inputs.harness_reports.push_back(std::move(input));
    } else {
      std::cerr << "dioharness bench-report: no " << path << ", the " << name << " wall time is left out\n";
    }
  }
  // What bounds the figures, when the folder has it (optional, in this order).
  for (const char* name : {"ANALYSIS.md", "profiles/PROFILE.md"}) {
    dioh::benchreport::NamedText input{name, {}};
    if (ReadText(fs::path(options.dir) / name, input.text)) inputs.appendices.push_back(std::move(input));
  }
  auto output = dioh::benchreport::BuildBenchReport(inputs, "summary.svg");
  if (!output.ok()) {
    std::cerr << "dioharness bench-report: " << output.status().message() << "\n";
    return 2;
  }
  for (const std::string& note : output->notes) std::cerr << "dioharness bench-report: " << note << "\n";
  const fs::path out_dir = options.out_dir.empty() ? options.dir : options.out_dir;
  std::error_code ignored;  // a folder that cannot be made fails the write below, naming it
  fs::create_directories(out_dir, ignored);
  for (const auto& [file, text] : {std::pair<const char*, const std::string*>{"summary.md", &output->markdown},
                                   {"summary.svg", &output->svg}}) {
    const std::string path = (out_dir / file).string();
    if (dioh::Status s = dioh::WriteFileAtomically(path, *text); !s.ok()) {
      std::cerr << "dioharness bench-report: cannot write " << path << ": " << s.message() << "\n";
      return 2;
    }
    std::cout << "wrote " << path << "\n";
  }
  return 0;
}

}  // namespace

void RegisterBenchReportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BenchReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench-report",
      "Summarise the benchmark JSON of `make bench` as summary.md (tables of the ratios against the baseline "
      "of the same run, each performance goal met or missed) and summary.svg (a bar chart of the ratios). "
      "ANALYSIS.md and profiles/PROFILE.md of --dir (make profile), when present, are appended to summary.md");
  cmd->add_option("--dir", options->dir, "folder of the Google Benchmark JSON files (every *.json is read)")
      ->type_name("DIR")
      ->capture_default_str();
  cmd->add_option("--out", options->out_dir, "where summary.md and summary.svg go (default: --dir)")->type_name("DIR");
  cmd->add_option("--matrix-report", options->matrix_report,
                  "report.json of `dioharness matrix`; its run time is shown when the file exists")
      ->type_name("FILE")
      ->capture_default_str();
  cmd->add_option("--regress-report", options->regress_report,
                  "report.json of `dioharness regress`; its run time is shown when the file exists")
      ->type_name("FILE")
      ->capture_default_str();
  cmd->footer("Exit codes: 0 written; 2 no JSON, unreadable or invalid input, or unwritable output.");
  cmd->callback([options, &exit_code] { exit_code = Run(*options); });
}

}  // namespace dioharness::cli
