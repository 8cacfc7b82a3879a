// `dioharness merge REPORT.json...`: joins the reports of shards (matrix or
// regress run with --shard i/N on several CI runners) into one.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/report/report.h"

namespace dioharness::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> files;
  std::string out_dir = "results/merged";
  std::string title;
};

int RunMerge(const MergeOptions& options) {
  std::vector<dioh::Report> shards;
  for (const std::string& file : options.files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cerr << "dioharness merge: cannot read " << file << "\n";
      return kExitUsage;
    }
    auto report = dioh::ReportFromJson(text.str());
    if (!report.ok()) {
      std::cerr << "dioharness merge: " << file << ": " << report.status().message() << "\n";
      return kExitUsage;
    }
    shards.push_back(std::move(*report));
  }
  std::string title = options.title;
  if (title.empty()) {
    // "dioharness matrix (shard 1/4)" -> "dioharness matrix"
    title = shards.front().title.substr(0, shards.front().title.find(" (shard"));
  }
  dioh::Report merged = dioh::MergeReports(shards, title);
  RunOptions run;
  run.out_dir = options.out_dir;
  return Finish(merged, run, /*interrupted=*/false, std::cout, std::cerr);
}

}  // namespace

void RegisterMergeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge", "Join the report.json files of shards (--shard i/N) into one report (JSON, Markdown, JUnit XML)");
  command->add_option("REPORT", options->files, "report.json of each shard, in shard order")->required()->check(CLI::ExistingFile);
  command->add_option("--out", options->out_dir, "folder for the merged report")->capture_default_str();
  command->add_option("--title", options->title, "title of the merged report (default: the shards' title)");
  command->footer("Exit codes: 0 every run in every shard passed; 1 some failed; 2 unreadable input.");
  command->callback([options, &exit_code] { exit_code = RunMerge(*options); });
}

}  // namespace dioharness::cli
