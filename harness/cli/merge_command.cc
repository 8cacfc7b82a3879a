// `dioharness merge REPORT.json...`: joins the reports of shards (matrix or
// regress run with --shard i/N on several CI runners) into one; a run given
// twice is refused, and a set with shards missing is not passed off as whole.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/report/merge.h"
#include "harness/report/report.h"

namespace dioharness::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> files;
  std::string out_dir = "results/merged";
  std::string title;
  bool allow_partial = false;
};

int RunMerge(const MergeOptions& options) {
  std::vector<dioh::NamedReport> inputs;
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
    inputs.push_back({file, std::move(*report)});
  }
  std::string title = options.title;
  if (title.empty()) {
    // "dioharness matrix (shard 1/4)" -> "dioharness matrix"
    title = inputs.front().report.title.substr(0, inputs.front().report.title.find(" (shard"));
  }
  auto merged = dioh::MergeShards(inputs, title);
  if (!merged.ok()) {
    std::cerr << "dioharness merge: " << merged.status().message() << "\n";
    return kExitUsage;
  }
  if (!merged->missing_shards.empty()) {
    const std::string missing = "shard" + std::string(merged->missing_shards.size() > 1 ? "s " : " ") +
                                dioh::ShardList(merged->missing_shards) + " of " + std::to_string(merged->shard_count) +
                                " missing";
    if (!options.allow_partial) {
      // A CI job that lost a runner must not publish the rest as the whole.
      std::cerr << "dioharness merge: " << missing << ": nothing written (--allow-partial merges what is here)\n";
      return kExitFailed;
    }
    merged->report.title += " (partial: " + missing + ")";
    std::cerr << "dioharness merge: " << missing << ", merged the rest as asked (--allow-partial)\n";
  }
  RunOptions run;
  run.out_dir = options.out_dir;
  return Finish(merged->report, run, /*interrupted=*/false, std::cout, std::cerr);
}

}  // namespace

void RegisterMergeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge", "Join the report.json files of shards (--shard i/N) into one report (JSON, Markdown, JUnit XML)");
  command->add_option("REPORT", options->files, "report.json of each shard, in shard order")->required()->check(CLI::ExistingFile);
  command->add_option("--out", options->out_dir, "folder for the merged report")->type_name("DIR")->capture_default_str();
  command->add_option("--title", options->title, "title of the merged report (default: the shards' title)");
  command->add_flag("--allow-partial", options->allow_partial,
                    "merge even when shards of the set are missing (the title then says which)");
  command->footer(
      "Exit codes: 0 every run of every shard passed (or was skipped, or is a known engine bug); 1 a run failed, "
      "or shards are missing (without --allow-partial nothing is written); 2 unreadable input, a run given "
      "twice, or shards of different sets.");
  command->callback([options, &exit_code] { exit_code = RunMerge(*options); });
}

}  // namespace dioharness::cli
