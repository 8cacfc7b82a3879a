// mrmigrate: the CLI edge. Parses arguments (CLI11), then hands everything to
// MigrationController / QmpServer; catches CLI11's exceptions here.
#include <csignal>
#include <iostream>
#include <memory>

// CLI11 1.x trips GCC 12's -Wnull-dereference inside its own string helpers
// (a false positive at -O2); the warning stays on for our code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include "common/cli/cli_app.h"
#include "migration/cli/cli_options.h"
#include "migration/cli/engine_factory.h"
#include "migration/cli/migration_waiter.h"
#include "migration/qmp/qmp_server.h"
#include "migration/runner/mapped_ram_engine.h"

namespace mrm::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<qmp::QmpServer*> g_server{nullptr};

void OnSignal(int) {
  g_stop.store(true);
  if (qmp::QmpServer* server = g_server.load()) server->RequestStop();
}

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

int Fail(const dioh::Status& status) {
  std::cerr << "mrmigrate: " << status.message() << "\n";
  return 1;
}

// A value on the command line that does not parse or that QEMU's checks
// refuse (--ram, --capability, --parameter, the chardev): exit 2, as every
// other command-line error.
int UsageError(const dioh::Status& status) {
  std::cerr << "mrmigrate: " << status.message() << "\n";
  return 2;
}

struct CommonOptions {
  runner::GuestOptions guest;
  std::vector<std::string> capabilities;
  std::vector<std::string> parameters;
  bool pretend_no_direct_io = false;
  params::BuildFeatures features() const {
    params::BuildFeatures result;
    if (pretend_no_direct_io) result.direct_io = false;
    return result;
  }
};

// The guest whose RAM a save sends and a load (or migrate-incoming) checks:
// source and destination must be given the same options.
void AddGuestOptions(CLI::App& command, runner::GuestOptions& guest) {
  command.add_option("--ram", guest.ram,
                     "RAM blocks as IDSTR=SIZE[,IDSTR=SIZE...], sizes with K/M/G/T (powers of 1024), "
                     "multiples of 4 KiB, e.g. pc.ram=1G,vga.vram=16M (default " +
                         std::string(runner::kDefaultRamSpec) + ")")
      ->type_name("BLOCKS");
  command.add_option("--seed", guest.seed,
                     "seed of the page content: every page is a function of (seed, block, page, pass), "
                     "so a load verifies the RAM it received and names the first block and page that differ")
      ->default_str("1");
  command.add_option("--zero-fraction", guest.zero_fraction, "share of all-zero pages, 0..1")->default_str("0.5");
  command.add_option("--dirty-fraction", guest.dirty_fraction,
                     "live save: share of pages rewritten at each pass after the first, 0..1 "
                     "(a rewritten page may go from data to zero)")
      ->default_str("0");
  command.add_option("--passes", guest.passes,
                     "live save: passes over RAM (1 = not live); a load verifies the content after the last pass")
      ->default_str("1");
}

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  AddGuestOptions(command, options.guest);
  command.add_option("--capability", options.capabilities,
                     "NAME=on|off, as QMP migrate-set-capabilities (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_option("--parameter", options.parameters,
                     "NAME=VALUE, as HMP migrate_set_parameter reads VALUE (repeatable); "
                     "max-bandwidth counts MiB without a suffix, so 0 lifts QEMU's 128 MiB/s default cap")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_flag("--x-pretend-no-direct-io", options.pretend_no_direct_io,
                   "test seam: behave as a build without O_DIRECT (setting direct-io fails)");
}

int RunMigration(bool outgoing, const std::string& target, const CommonOptions& options) {
  auto guest = runner::MakeGuestSpec(options.guest);
  if (!guest.ok()) return UsageError(guest.status());
  // The waiter outlives the engine: the engine's thread may signal the
  // waiter's condition variable up to its last status change, and only the
  // engine's destructor joins that thread (ThreadSanitizer saw ~MigrationWaiter
  // race with notify_one when the waiter was declared after the engine).
  MigrationWaiter waiter;
  const std::unique_ptr<qmp::MigrationEngine> engine = MakeMigrationEngine(*guest);
  qmp::MigrationController controller(*engine, waiter.Listener(), options.features());
  if (dioh::Status status = ApplyCliOptions(controller, options.capabilities, options.parameters); !status.ok()) {
    return UsageError(status);
  }
  const std::string uri = ToMigrationUri(target);
  if (dioh::Status status = outgoing ? controller.Migrate(uri) : controller.MigrateIncoming(uri); !status.ok()) {
    return Fail(status);
  }
  InstallSignalHandlers();
  const qmp::MigrationStatus end = waiter.WaitForEnd(controller, g_stop, [](const qmp::StatusChange& change) {
    if (change.dirty_sync_count != 0) return;  // a pass, not a change of status
    std::cerr << "mrmigrate: " << qmp::MigrationStatusName(change.status) << "\n";
  });
  if (end == qmp::MigrationStatus::kCompleted) return 0;
  if (end == qmp::MigrationStatus::kFailed) return Fail(dioh::Status::Error(EIO, controller.error_desc()));
  return Fail(dioh::Status::Error(ECANCELED, "migration cancelled"));
}

int RunInspect(const std::string& target, bool json) {
  auto uri = params::ParseMigrationUri(ToMigrationUri(target));
  if (!uri.ok()) return Fail(uri.status());
  const runner::MappedRamEngine engine(channel::PosixFileSystem(), runner::GuestSpec{});
  auto report = json ? engine.InspectJson(*uri) : engine.Inspect(*uri);
  if (!report.ok()) return Fail(report.status());
  std::cout << *report;
  return 0;
}

int RunQmp(const std::string& chardev, const CommonOptions& options) {
  auto spec = qmp::ParseQmpChardevSpec(chardev);
  if (!spec.ok()) return UsageError(spec.status());
  auto guest = runner::MakeGuestSpec(options.guest);
  if (!guest.ok()) return UsageError(guest.status());
  const std::unique_ptr<qmp::MigrationEngine> engine = MakeMigrationEngine(*guest);
  auto server = qmp::QmpServer::Listen(*spec, *engine, options.features());
  if (!server.ok()) return Fail(server.status());
  // --capability/--parameter are not offered here: over QMP, set them with
  // migrate-set-capabilities / migrate-set-parameters as with QEMU.
  g_server.store(server->get());
  InstallSignalHandlers();
  const dioh::Status status = (*server)->Run();
  g_server.store(nullptr);
  return status.ok() ? 0 : Fail(status);
}

int Main(int argc, char** argv) {
  CLI::App app{"mrmigrate: a QEMU-compatible mapped-ram migration engine (multifd, direct-io) speaking QMP."};
  dioh::cli::SetUpApp(app, "mrmigrate");
  app.footer("TARGET is a file: URI (file:PATH[,offset=N]) or a plain path.");
  app.require_subcommand(0, 1);
  // What --capability and --parameter accept: only save and load take them.
  const std::string names_help = "Capabilities: " + CapabilityNamesHelp() + "\nParameters: " + ParameterNamesHelp() +
                                 "\nTARGET is a file: URI (file:PATH[,offset=N]) or a plain path.";
  std::string top_level_qmp;
  app.add_option("--qmp", top_level_qmp, "same as `mrmigrate qmp --qmp SPEC`");

  CommonOptions save_options, load_options, qmp_options;
  std::string save_target, load_target, inspect_target, qmp_chardev;
  bool inspect_json = false;
  CLI::App* save = app.add_subcommand("save", "Save a RAM image to TARGET in mapped-ram format");
  save->add_option("TARGET", save_target, "file:PATH[,offset=N] or PATH")->required();
  AddCommonOptions(*save, save_options);
  save->footer(names_help);
  CLI::App* load = app.add_subcommand("load", "Load a mapped-ram image from TARGET and verify every page against the guest model: "
                                        "give the same --ram, --seed, --zero-fraction, --dirty-fraction and --passes as the save");
  load->add_option("TARGET", load_target, "file:PATH[,offset=N] or PATH")->required();
  AddCommonOptions(*load, load_options);
  load->footer(names_help);
  CLI::App* inspect = app.add_subcommand("inspect", "Describe the layout of a mapped-ram file");
  inspect->add_option("TARGET", inspect_target, "file:PATH[,offset=N] or PATH")->required();
  inspect->add_flag("--json", inspect_json, "print the report as JSON");
  CLI::App* qmp = app.add_subcommand("qmp", "Serve QMP on a unix socket until `quit` or SIGTERM");
  qmp->add_option("--qmp", qmp_chardev, "unix:PATH,server=on,wait=off (QEMU's -qmp spelling)")->required();
  AddGuestOptions(*qmp, qmp_options.guest);
  qmp->add_flag("--x-pretend-no-direct-io", qmp_options.pretend_no_direct_io,
                "test seam: behave as a build without O_DIRECT (setting direct-io fails)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return dioh::cli::ExitForParseError(app, error);  // 0 for --help and --version, else one line and 2
  }
  if (*save) return RunMigration(true, save_target, save_options);
  if (*load) return RunMigration(false, load_target, load_options);
  if (*inspect) return RunInspect(inspect_target, inspect_json);
  if (*qmp) return RunQmp(qmp_chardev, qmp_options);
  if (!top_level_qmp.empty()) return RunQmp(top_level_qmp, qmp_options);
  std::cerr << "mrmigrate: a command is required: save, load, inspect, qmp (see 'mrmigrate --help')\n";
  return 2;
}

}  // namespace
}  // namespace mrm::cli

int main(int argc, char** argv) { return mrm::cli::Main(argc, argv); }
