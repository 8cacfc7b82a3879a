// `dioharness log dump|stats|replay`: translates the command line into
// harness/logtool calls.
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/logtool/log_commands.h"

namespace dioharness::cli {

namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 complete log; 1 torn or corrupt log (the good records are printed first and the "
    "error names the byte offset); 2 usage error or unreadable file; 3 no trailer (diofs did not "
    "close the log, e.g. it was killed) but every record intact.";

}  // namespace

void RegisterLogCommand(CLI::App& app, int& exit_code) {
  CLI::App* log = app.add_subcommand("log", "Read a diofs op log (written by diofs --log FILE)");
  log->require_subcommand(1);
  log->footer(kExitCodes);

  auto dump = std::make_shared<logtool::DumpOptions>();
  CLI::App* dump_cmd = log->add_subcommand(
      "dump", "Print the records of an op log: a text table, or JSON Lines (one record a line)");
  dump_cmd->add_option("FILE", dump->file, "op log file")->required();
  dump_cmd->add_flag("--json", dump->json,
                     "JSON Lines: every field of a record, op/rule/verdict by name, data_hash as 16 hex digits");
  dump_cmd->add_option("--filter", dump->filters,
                       "only records matching every KEY=VALUE; keys: op=NAME[|NAME...] "
                       "(open, create, read, write, flush, fsync, fallocate, truncate, flag_change, "
                       "release, marker, violation, unlink, rename, mkdir, rmdir, fault), direct=1|0, "
                       "path=GLOB, violation=1|0, tid=N; repeated --filter options all apply")
      ->type_name("KEY=VALUE[,...]")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  dump_cmd->footer(kExitCodes);
  dump_cmd->callback([dump, &exit_code] { exit_code = logtool::RunDump(*dump, std::cout, std::cerr); });

  auto stats = std::make_shared<logtool::StatsOptions>();
  CLI::App* stats_cmd = log->add_subcommand(
      "stats", "Counts by op, direct (O_DIRECT) vs buffered reads and writes, per thread, violations by rule");
  stats_cmd->add_option("FILE", stats->file, "op log file")->required();
  stats_cmd->add_flag("--json", stats->json, "one JSON object instead of text");
  stats_cmd->footer(kExitCodes);
  stats_cmd->callback([stats, &exit_code] { exit_code = logtool::RunStats(*stats, std::cout, std::cerr); });

  auto replay = std::make_shared<logtool::ReplayOptions>();
  CLI::App* replay_cmd = log->add_subcommand(
      "replay", "Rebuild a file's content as it was at a marker (needs a log written with diofs --log-data)");
  replay_cmd->add_option("FILE", replay->file, "op log file")->required();
  replay_cmd->add_option("--until-mark", replay->until_mark,
                         "text of the marker (written to <mount>/.diofs/mark); the first one with this text")
      ->required();
  replay_cmd->add_option("--path", replay->path, "the file inside the mount, e.g. /ram.img")->required();
  replay_cmd->add_option("--out", replay->out_image, "where to write the rebuilt content")->required();
  replay_cmd->footer("Exit codes: 0 written; 1 the marker lies beyond a torn or corrupt record; "
                     "2 usage error, no such marker, file absent at the marker, or a log without data.");
  replay_cmd->callback([replay, &exit_code] { exit_code = logtool::RunReplay(*replay, std::cout, std::cerr); });
}

}  // namespace dioharness::cli
