// `dioharness exec [options] -- COMMAND ARGS...`: any program under the
// fixture. Mounts diofs with its op log, points TMPDIR and DIOFS_DIR at the
// mount, runs the command in its own process group (stdio passed through,
// Ctrl-C forwarded), unmounts, judges (harness/exec) and writes the reports.
// Only the plumbing lives here; the verdict and exit status are pure
// functions in harness/exec/exec_report.h.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "fs/core/profile.h"
#include "harness/cli/commands.h"
#include "harness/cli/run_support.h"
#include "harness/exec/exec_report.h"
#include "harness/mount/leftovers.h"
#include "harness/mount/mounted_diofs.h"
#include "harness/runner/op_log.h"
#include "harness/os/spawn.h"
#include "harness/os/interrupt.h"
#include "harness/runner/scenario_runner.h"

extern char** environ;

namespace dioharness::cli {
namespace {

using dioh::exec::CommandEnd;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStopGrace{5};  // after the forwarded signal, before SIGKILL

struct ExecOptions {
  std::string profile = "strict-4k";
  std::string device, faults, backend = "mem", on_violation = "einval", dir, out_dir = "results/exec";
  bool preload = false, allow_other = false, chdir = false;
  std::vector<std::string> command;
};

std::vector<std::string> DiofsArgs(const ExecOptions& o, const std::string& log_path) {
  std::vector<std::string> args = {"--profile", o.profile, "--on-violation", o.on_violation, "--log", log_path,
                                   "--backend", o.backend};
  if (!o.device.empty()) args.insert(args.end(), {"--device", o.device});
  if (!o.faults.empty()) args.insert(args.end(), {"--faults", std::filesystem::absolute(o.faults).string()});
  if (o.allow_other) args.push_back("--allow-other");
  return args;
}

// The command's environment: ours, with TMPDIR and DIOFS_DIR on the mount and,
// with --preload, libdiocheck (before any LD_PRELOAD already there).
std::vector<std::string> CommandEnvironment(const ExecOptions& o, const std::string& mountpoint,
                                            const std::string& library, const std::string& diocheck_log) {
  std::vector<std::string> env;
  std::string preload;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (entry.starts_with("TMPDIR=") || entry.starts_with("DIOFS_DIR=")) continue;
    if (o.preload && (entry.starts_with("DIOCHECK_LOG=") || entry.starts_with("DIOCHECK_MODE="))) continue;
    if (o.preload && entry.starts_with("LD_PRELOAD=")) {
      preload = entry.substr(std::strlen("LD_PRELOAD="));
      continue;
    }
    env.push_back(entry);
  }
  env.push_back("TMPDIR=" + mountpoint);
  env.push_back("DIOFS_DIR=" + mountpoint);
  if (o.preload) {
    env.push_back("LD_PRELOAD=" + library + (preload.empty() ? "" : ":" + preload));
    env.push_back("DIOCHECK_LOG=" + diocheck_log);
    env.push_back("DIOCHECK_MODE=" + o.on_violation);
  }
  return env;
}

// Starts the command in its own process group, with default signal handling
// and an empty mask (dioharness blocks SIGINT/SIGTERM for its watcher thread,
// and a CI background job may have SIGINT ignored: both survive exec), dying
// with dioharness: a killed fixture leaves no command running in a folder
// that has gone with the mount.
CommandEnd Spawn(const ExecOptions& o, std::vector<std::string> env, const std::string& mountpoint, pid_t& pid) {
  dioh::SpawnSpec spec;
  spec.argv = o.command;
  spec.env = std::move(env);
  if (o.chdir) spec.cwd = mountpoint;
  auto started = dioh::SpawnDyingWithParent(spec);
  if (started.ok()) {
    pid = *started;
    return {CommandEnd::Kind::kExited, 0};
  }
  if (started.status().code() == ENOENT) return {CommandEnd::Kind::kNotFound, 0, o.command[0]};
  return {CommandEnd::Kind::kNotExecutable, 0, started.status().message()};
}

// Waits for the command. On Ctrl-C or SIGTERM (the watcher marks dioharness
// interrupted), forwards that signal to the command's group, then SIGKILLs
// the group after kStopGrace.
CommandEnd Wait(pid_t pid) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  dioh::InterruptWatcher& watcher = dioh::InterruptWatcher::Instance();
  std::optional<Clock::time_point> kill_at;
  for (;;) {
    pollfd p{pidfd, POLLIN, 0};
    if (poll(&p, 1, 100) == 1) break;  // 100 ms: how soon an interrupt is forwarded
    if (watcher.interrupted() && !kill_at) {
      kill(-pid, watcher.signal_number());
      kill_at = Clock::now() + kStopGrace;
    } else if (kill_at && Clock::now() >= *kill_at) {
      kill(-pid, SIGKILL);
    }
  }
  close(pidfd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (watcher.interrupted()) return {CommandEnd::Kind::kInterrupted, watcher.signal_number()};
  if (WIFSIGNALED(status)) return {CommandEnd::Kind::kSignaled, WTERMSIG(status)};
  return {CommandEnd::Kind::kExited, WEXITSTATUS(status)};
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A private folder (outside the mount) for the op log and libdiocheck's
// reports, named with the pid (RunDirPrefix) so that a later run reaps it if
// this one is killed.
dioh::Result<std::string> MakeWorkDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / (dioh::RunDirPrefix(getpid()) + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) return dioh::Status::Error(errno, "mkdtemp " + pattern);
  return pattern;
}

int Fail(const std::string& what) {
  std::cerr << "dioharness exec: " << what << "\n";
  return dioh::exec::kExitFixtureError;
}

int RunExec(const ExecOptions& o) {
  const auto started = Clock::now();
  dioh::Report report;
  report.title = "dioharness exec";
  report.started_at = dioh::NowIso8601();
  if (dioh::Status status = CheckProfileNames({o.profile}); !status.ok()) return Fail(status.message());
  const std::string library = dioh::DefaultPreloadLibrary();
  if (o.preload && access(library.c_str(), R_OK) != 0) return Fail("--preload: no libdiocheck at " + library);
  // What killed runs left (a mount, folders), as run and matrix do.
  for (const std::string& line : dioh::ReapLeftovers()) std::cerr << "dioharness exec: " << line << "\n";
  auto work = MakeWorkDir();
  if (!work.ok()) return Fail(work.status().message());
  const std::string log_path = *work + "/op.log", diocheck_log = *work + "/diocheck.jsonl";
  const auto cleanup = [&] {
    std::error_code ignored;
    std::filesystem::remove_all(*work, ignored);
  };

  dioh::exec::ExecRun run;
  run.command = o.command;
  run.profile = o.profile;
  run.on_violation = o.on_violation;
  run.preloaded = o.preload;
  std::optional<dioh::exec::Judgement> judgement;
  std::string write_map_svg;  // drawn before the work folder (and the log in it) goes
  {
    auto mount = dioh::MountedDiofs::Mount(DiofsArgs(o, log_path), std::chrono::seconds(10), std::nullopt,
                                           o.dir.empty() ? std::string() : std::filesystem::absolute(o.dir).string());
    if (!mount.ok()) {
      run.end = {CommandEnd::Kind::kFixtureError, 0, "diofs did not mount: " + mount.status().message()};
    } else {
      run.mountpoint = (*mount)->mountpoint();
      pid_t pid = -1;
      run.end = dioh::InterruptWatcher::Instance().interrupted()
                    ? CommandEnd{CommandEnd::Kind::kInterrupted, dioh::InterruptWatcher::Instance().signal_number()}
                    : Spawn(o, CommandEnvironment(o, run.mountpoint, library, diocheck_log), run.mountpoint, pid);
      if (pid > 0) run.end = Wait(pid);
      auto unmounted = (*mount)->Unmount(std::chrono::seconds(30));
      if (!unmounted.ok() || *unmounted != 0) {
        run.end = {CommandEnd::Kind::kFixtureError, 0,
                   "diofs " + (unmounted.ok() ? "exited " + std::to_string(*unmounted) : unmounted.status().message()) +
                       ": " + (*mount)->DaemonStderr()};
      }
    }
  }
  const bool ran = run.end.kind == CommandEnd::Kind::kExited || run.end.kind == CommandEnd::Kind::kSignaled;
  if (ran) {
    // Read pass by pass from the file, never held: a long-running command
    // (a database) may log millions of operations.
    auto log = dioh::OpenOpLogFile(log_path);
    if (!log.ok() || !log->complete) {
      run.end = {CommandEnd::Kind::kFixtureError, 0,
                 "op log " + (log.ok() ? log->damage.ok() ? "has no trailer" : log->damage.message() : log.status().message())};
    } else {
      judgement = dioh::exec::Judge(log->records, ReadLines(diocheck_log), run.mountpoint);
      write_map_svg = dioh::RenderWriteMapSvg(dioh::exec::ExecWriteMap(log->records, *judgement, dioh::exec::ExecName(o.command)));
      if (dioh::Status error = log->records.error(); !error.ok()) {
        run.end = {CommandEnd::Kind::kFixtureError, 0, "op log: " + error.message()};
        judgement.reset();
      } else {
        run.judgement = &*judgement;
      }
    }
  }
  cleanup();
  run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  report.configuration = {{"profile", o.profile}, {"on-violation", o.on_violation}, {"backend", o.backend},
                          {"preload", o.preload ? library : "no"}};
  if (!o.device.empty()) report.configuration.emplace_back("device", o.device);
  report.results.push_back(dioh::exec::ExecResult(run));
  report.wall_seconds = run.seconds;
  const int exit_status = dioh::exec::ExitStatus(run.end, judgement && judgement->failed());
  if (dioh::Status status = dioh::WriteReportFiles(report, o.out_dir, "report"); !status.ok()) {
    return Fail(status.message());
  }
  if (judgement) {
    std::filesystem::create_directories(o.out_dir + "/maps");
    (void)dioh::WriteFileAtomically(o.out_dir + "/maps/exec.svg", write_map_svg);
  }
  // The summary goes to stderr: stdout is the command's.
  const dioh::ScenarioResult& result = report.results[0];
  std::cerr << "dioharness exec: " << dioh::VerdictWord(result.verdict) << " on " << o.profile << " ("
            << result.outcome << ")\n";
  for (const auto& [name, detail] : dioh::FailureLines(result)) {
    std::string indented = detail;  // a check's detail holds one violation per line
    for (std::size_t at = indented.find('\n'); at != std::string::npos; at = indented.find('\n', at + 1)) {
      indented.insert(at + 1, "    ");
    }
    std::cerr << "  " << name << ": " << indented << "\n";
  }
  // A skip is no pass (io_uring buffers, no --preload): say it even when the run passed.
  for (const dioh::CheckResult& check : result.checks) {
    if (check.status == dioh::CheckStatus::kSkip) std::cerr << "  " << check.name << ": skipped: " << check.detail << "\n";
  }
  std::cerr << "dioharness exec: reports in " << o.out_dir << "/report.{json,md,xml}\n";
  return exit_status;
}

}  // namespace

void RegisterExecCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ExecOptions>();
  CLI::App* command = app.add_subcommand(
      "exec", "Run any command with TMPDIR on a diofs mount (op log on), then judge its O_DIRECT I/O: "
              "violations, fallbacks to buffered I/O, its exit status");
  std::string profiles;
  for (const diofs::Profile& p : diofs::ProfilePresets()) profiles += (profiles.empty() ? "" : ", ") + p.name;
  command->add_option("--profile", o->profile, "diofs profile: " + profiles)->capture_default_str();
  command->add_option("--device", o->device, "storage simulation (diofs --device)")->type_name("SPEC");
  command->add_option("--faults", o->faults, "fault rules file (diofs --faults)")->type_name("FILE");
  command->add_option("--backend", o->backend, "where files live: mem or passthrough:DIR")->capture_default_str();
  command->add_option("--on-violation", o->on_violation,
                      "einval: refuse a violating I/O as a strict device would; record: let it through and list it")
      ->check(CLI::IsMember({"einval", "record"}))
      ->capture_default_str();
  command->add_flag("--preload", o->preload, "preload libdiocheck: misaligned buffers caught, with their call site");
  command->add_flag("--allow-other", o->allow_other, "let other users into the mount (diofs --allow-other)");
  command->add_option("--dir", o->dir, "mount on this existing empty folder instead of a private one")->type_name("PATH");
  command->add_flag("--chdir", o->chdir, "run the command in the mount (default: the current folder)");
  command->add_option("--out", o->out_dir, "folder for report.json, report.md, report.xml and maps/exec.svg")
      ->type_name("DIR")
      ->capture_default_str();
  command->add_option("COMMAND", o->command, "the command and its arguments, after --")->required();
  command->footer(
      "Exit codes: 1 the fixture found a violation or a fallback, else the command's own (128+N killed by signal N); "
      "125 the fixture's own error (bad options, mount failure); 126 not executable; 127 not found; 130 interrupted.");
  command->callback([o, &exit_code] { exit_code = RunExec(*o); });
}

}  // namespace dioharness::cli
