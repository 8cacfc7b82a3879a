#include "harness/runner/scenario_runner.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>
#include <tuple>

#include "fs/core/profile.h"
#include "harness/checks/checks.h"
#include "harness/checks/write_map_builder.h"
#include "harness/engine/child_process.h"
#include "harness/engine/guest_session.h"
#include "harness/report/write_map.h"
#include "harness/qmp/qmp_client.h"
#include "harness/os/interrupt.h"
#include "harness/runner/verdict.h"
#include "migration/format/byte_source.h"

namespace dioh {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kFileName = "guest.img";
constexpr std::chrono::seconds kQuitTimeout{10};
constexpr std::chrono::seconds kUnmountTimeout{30};
constexpr std::size_t kOutputLinesInCrash = 10;

// "signal 11 (SIGSEGV)"
std::string SignalText(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return "signal " + std::to_string(signal) + (abbrev != nullptr ? " (SIG" + std::string(abbrev) + ")" : "");
}

// The bytes the harness puts before offset=: a pattern that depends on the
// seed, so truncating or overwriting them is visible.
std::vector<std::uint8_t> PrefixBytes(std::uint64_t size, std::uint64_t seed) {
  std::vector<std::uint8_t> prefix(size);
  for (std::uint64_t i = 0; i < size; ++i) prefix[i] = static_cast<std::uint8_t>((i * 131 + seed * 7 + 1) & 0xff);
  return prefix;
}

// diofs's options for `setup`, with the op log at `log_path`; the backing
// folder (passthrough) and the fault rules file go into `work`.
Result<std::vector<std::string>> DiofsArgs(HarnessEnv& env, const DiofsSetup& setup, const WorkDir& work,
                                           const std::string& log_path) {
  // --direct-io-all: the migration's main channel is a buffered open of the
  // file the multifd channels write with O_DIRECT; off the page cache, it
  // neither makes their writes serial nor reaches the log as writeback. No
  // engine maps the migration file (a shared mmap would fail, ENODEV).
  std::vector<std::string> args = {"--profile", setup.profile, "--on-violation", setup.on_violation,
                                   "--log",     log_path,      "--direct-io-all"};
  // Workers about the CPU count: more only add context switches (diofs(1)).
  args.insert(args.end(), {"--max-threads", std::to_string(std::max(2u, std::thread::hardware_concurrency()))});
  if (setup.backend == "passthrough") {
    DIOH_RETURN_IF_ERROR(env.MakeDirs(work.Sub("backing")));
    args.insert(args.end(), {"--backend", "passthrough:" + work.Sub("backing")});
  } else {
    args.insert(args.end(), {"--backend", setup.backend});
  }
  if (!setup.device.empty()) args.insert(args.end(), {"--device", setup.device});
  if (!setup.capacity.empty()) args.insert(args.end(), {"--capacity", setup.capacity});
  if (!setup.faults.empty()) {
    const std::string faults_path = work.Sub("faults.json");
    const std::string text = setup.faults + "\n";
    DIOH_RETURN_IF_ERROR(env.WriteFile(faults_path, std::vector<std::uint8_t>(text.begin(), text.end())));
    args.insert(args.end(), {"--faults", faults_path});
  }
  return args;
}

MigrationFacts FactsOf(const Scenario& scenario) {
  MigrationFacts facts;
  const auto capability = [&](const char* name) {
    const auto it = scenario.capabilities.find(name);
    return it != scenario.capabilities.end() && it->second;
  };
  facts.mapped_ram = capability("mapped-ram");
  facts.multifd = capability("multifd");
  facts.direct_io_requested = DirectIoRequested(scenario);
  facts.direct_io_effective = DirectIoEffective(scenario);
  facts.direct_io_not_effective = DirectIoNotEffectiveReason(scenario);
  facts.channels = MultifdChannels(scenario);
  facts.uri_offset = scenario.uri_offset;
  facts.ram_bytes = scenario.guest.TotalRamBytes();
  facts.passes = scenario.guest.passes;
  return facts;
}

struct Side {
  std::optional<MigrationOutcome> outcome;
  pid_t pid = -1;
  // A completed load into an engine whose RAM the harness reads (QEMU).
  std::vector<LoadedRamPiece> loaded_ram;
  std::string engine_version;  // from its QMP greeting ("10.0.2")
};

// After Ctrl-C the watcher kills every engine, so whatever failed next (a
// launch cut off in its QMP handshake, a migration) failed because of it.
MigrationOutcome UnlessInterrupted(MigrationOutcome outcome) {
  if (!InterruptWatcher::Instance().interrupted()) return outcome;
  return MigrationOutcome{MigrationEnd::kInterrupted,
                          "interrupted by signal " + std::to_string(InterruptWatcher::Instance().signal_number()),
                          outcome.seconds};
}

// Starts an engine, drives one migration, quits it. Never throws, never leaves it running.
Side DriveSide(const Job& job, const RunEnvironment& environment, HarnessEnv& env, const WorkDir& work,
               const std::string& uri, bool incoming) {
  const Scenario& scenario = job.scenario;
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(scenario.timeout_seconds * 1000));
  EngineLaunch launch;
  launch.label = incoming ? "destination" : "source";
  launch.work_dir = work.Sub(launch.label);
  launch.incoming = incoming;
  launch.guest = scenario.guest;
  launch.no_direct_io_build = scenario.no_direct_io_build;
  if (scenario.preload) launch.preload_library = environment.preload_library;
  Side side;
  Status made = env.MakeDirs(launch.work_dir);
  auto engine = made.ok() ? environment.engine->Launch(launch, DeadlineIn(timeout))
                          : Result<std::unique_ptr<EngineProcess>>(made);
  if (!engine.ok()) {
    side.outcome = UnlessInterrupted(
        MigrationOutcome{MigrationEnd::kEngineDied, launch.label + " engine: " + engine.status().message(), 0});
    return side;
  }
  side.pid = (*engine)->pid();
  side.engine_version = (*engine)->qmp().version();
  MigrationRequest request;
  request.capabilities = scenario.capabilities;
  request.parameters = scenario.parameters;
  request.uri = uri;
  request.incoming = incoming;
  request.deadline = DeadlineIn(timeout);
  if (environment.progress) {
    request.on_progress = [&environment, incoming](const MigrationProgress& p) {
      environment.progress(incoming ? "load" : "save", p);
    };
  }
  side.outcome = UnlessInterrupted(DriveMigration(**engine, request));
  if (side.outcome->end == MigrationEnd::kTimeout) {
    side.outcome->error_desc += " (engine killed after " + std::to_string(scenario.timeout_seconds) + " s)";
    (*engine)->Kill();
  }
  if (incoming && side.outcome->completed() && (*engine)->guest() != nullptr) {
    auto pieces = (*engine)->guest()->ReadBack((*engine)->qmp(), launch.work_dir, request.deadline);
    if (pieces.ok()) {
      side.loaded_ram = std::move(*pieces);
    } else {
      side.outcome = MigrationOutcome{MigrationEnd::kEngineDied,
                                      "reading the loaded RAM back: " + pieces.status().message(),
                                      side.outcome->seconds};
    }
  }
  (void)QuitEngine(**engine, DeadlineIn(kQuitTimeout));
  // The engine's whole life is the verdict: a signal the harness did not
  // send fails the side, even after it reported the expected failure (QEMU
  // 10.0 reports "failed" and then dies in multifd's cleanup).
  // The interrupt watcher SIGKILLs every live engine's group on Ctrl-C: that kill is the harness's own.
  const std::optional<int> signal = (*engine)->CrashSignal();
  const bool killed_on_interrupt = signal == SIGKILL && InterruptWatcher::Instance().interrupted();
  if (signal && !killed_on_interrupt) {
    MigrationOutcome before = *side.outcome;
    before.engine_output.clear();  // said once, below
    MigrationOutcome crashed{MigrationEnd::kEngineCrashed, SignalText(*signal) + " after " + before.ToString(),
                             before.seconds};
    crashed.engine_output = LastLines((*engine)->Output(), kOutputLinesInCrash);
    side.outcome = std::move(crashed);
  }
  return side;
}

// One RunJob, as named steps over the state they share. Members are declared
// in the order they must die: the mount before the work folder it lives in.
class JobRunner {
 public:
  JobRunner(const Job& job, const RunEnvironment& environment)
      : job_(job),
        scenario_(job.scenario),
        environment_(environment),
        env_(environment.env != nullptr ? *environment.env : HarnessEnv::Real()),
        started_(Clock::now()),
        expected_(job.expected.ForEngine(environment.engine->kind())) {
    result().scenario = scenario_.name;
    result().profile = scenario_.diofs.profile;
  }

  JobRun Run() {
    if (auto why = environment_.engine->CannotRun(scenario_)) return Skip(*why);
    if (!expected_) return Skip("the scenario gives no expected error text for this engine");
    if (Status mounted = Mount(); !mounted.ok()) return FailSetup(mounted.message());
    if (Status written = WritePrefix(); !written.ok()) return FailSetup(written.message());
    Drive();
    if (InterruptWatcher::Instance().interrupted()) {  // not judged: leave at once, nothing behind
      Step("interrupted: unmounting diofs");
      Unmount();
      return Finish();
    }
    // Judged while diofs still holds the file: the checks read it through the
    // mount (no copy), and the op log up to a marker diofs has written out.
    // The log is judged complete only after the unmount closed it.
    Step("reading the op log");
    MarkEnginesDone();
    const Result<OpLog> log = env_.OpenOpLog(log_path_);
    OpenProducedFile();
    Step(environment_.draw_write_map ? "running the checks and drawing the write map" : "running the checks");
    if (log.ok()) Judge(*log);  // without a log there is nothing to judge
    produced_ = std::unique_ptr<mrm::format::ByteSource>();  // closed: an open file keeps the mount busy
    Step("unmounting diofs");
    Unmount();  // a diofs that died is said first: it is why a log is missing
    if (log.ok()) {
      CheckOpLogClosed(*log);
    } else {
      Fail(RunnerFailure::Kind::kOpLog, log.status().message());
    }
    // What judging met comes after what explains it (a diofs that died, its log).
    for (RunnerFailure& failure : after_unmount_) result().runner_failures.push_back(std::move(failure));
    return Finish();
  }

 private:
  void Step(const char* what) const {
    if (environment_.step) environment_.step(what);
  }

  ScenarioResult& result() { return run_.result; }
  // The job's expectation as it holds for this engine (its own error text).
  const ExpectedOutcome& Expected() const { return expected_ ? *expected_ : job_.expected; }

  void Fail(RunnerFailure::Kind kind, std::string detail) { result().runner_failures.push_back({kind, std::move(detail)}); }

  // The profile, a private work folder, and diofs mounted with the op log on.
  Status Mount() {
    auto profile = diofs::ProfileByName(scenario_.diofs.profile);
    if (!profile.ok()) return profile.status();
    profile_ = std::move(*profile);
    auto work = WorkDir::Make(env_);
    if (!work.ok()) return work.status();
    work_.emplace(std::move(*work));
    log_path_ = work_->Sub("ops.log");
    auto args = DiofsArgs(env_, scenario_.diofs, *work_, log_path_);
    if (!args.ok()) return args.status();
    auto mount = env_.MountDiofs(*args);
    if (!mount.ok()) return mount.status().WithContext("diofs did not mount");
    mount_ = std::move(*mount);
    file_ = mount_->Path(kFileName);
    result().expected = Expected().ToString(file_);
    return Status::Ok();
  }

  // The file: URI, and the bytes that must survive before offset=.
  Status WritePrefix() {
    prefix_ = PrefixBytes(scenario_.uri_offset, scenario_.guest.seed);
    uri_ = "file:" + file_;
    if (scenario_.uri_offset == 0) return Status::Ok();
    uri_ += ",offset=" + std::to_string(scenario_.uri_offset);
    return env_.WriteFile(file_, prefix_);
  }

  // The save, then the load of what it completed.
  void Drive() {
    save_ = DriveSide(job_, environment_, env_, *work_, uri_, /*incoming=*/false);
    if (scenario_.load && save_.outcome && save_.outcome->completed() && !InterruptWatcher::Instance().interrupted()) {
      load_ = DriveSide(job_, environment_, env_, *work_, uri_, /*incoming=*/true);
    }
    if (save_.outcome) run_.save_seconds = save_.outcome->seconds;
    if (load_.outcome) run_.load_seconds = load_.outcome->seconds;
  }

  // A marker through .diofs/mark: diofs writes the log out up to it before
  // the write returns (LogWriter), so every engine record is in the file.
  void MarkEnginesDone() {
    const std::string text = "dioharness: engines done";
    // A failure is not judged here: a diofs that cannot take the marker has
    // died, which the unmount and the log's closing check report.
    (void)env_.WriteFile(mount_->Path(".diofs/mark"), std::vector<std::uint8_t>(text.begin(), text.end()));
  }

  // The produced file, read in pieces through the mount (null: the save created none).
  void OpenProducedFile() {
    produced_ = env_.OpenByteSource(file_);
    if (produced_.ok() && *produced_ != nullptr) run_.file_bytes = (*produced_)->size();
  }

  void Unmount() {
    // Generous: on a machine loaded by parallel builds diofs may take seconds
    // to drain its workers, and killing it would fail a run that did nothing wrong.
    auto unmounted = mount_->Unmount(kUnmountTimeout);
    if (unmounted.ok() && *unmounted == 0) return;
    Fail(RunnerFailure::Kind::kDiofsExit,
         unmounted.ok() ? "diofs exited with status " + std::to_string(*unmounted) + ": " + mount_->DaemonStderr()
                        : unmounted.status().message());
  }

  // After the unmount: the log must end in diofs's trailer, undamaged, and
  // still hold every record the checks read.
  void CheckOpLogClosed(const OpLog& judged) {
    auto closed = env_.OpenOpLog(log_path_);
    if (!closed.ok()) {
      Fail(RunnerFailure::Kind::kOpLog, closed.status().message());
    } else if (!closed->complete) {
      Fail(RunnerFailure::Kind::kOpLog,
           closed->damage.ok() ? "the log has no trailer (diofs did not close it)" : closed->damage.message());
    } else if (closed->records_count < judged.records_count) {
      Fail(RunnerFailure::Kind::kOpLog, "the log holds " + std::to_string(closed->records_count) +
                                            " records after the unmount, fewer than the " +
                                            std::to_string(judged.records_count) + " judged");
    }
    if (environment_.keep_logs && !environment_.artefact_dir.empty()) {
      (void)env_.CopyFile(log_path_, environment_.artefact_dir + "/" + job_.id + ".oplog");  // best effort
    }
  }

  // Every check over (op log, file, RAM model), the verdict, and the write map.
  void Judge(const OpLog& log) {
    CheckInput input;
    input.records = log.records;
    input.file_path = std::string("/") + kFileName;
    // Each engine leads a process group of its own (ChildProcess): its pid is the group's id.
    if (save_.pid > 0) input.save_groups.insert(static_cast<std::uint32_t>(save_.pid));
    if (load_.pid > 0) input.load_groups.insert(static_cast<std::uint32_t>(load_.pid));
    input.facts = FactsOf(scenario_);
    input.facts.diocheck_preloaded = scenario_.preload && !environment_.preload_library.empty();
    input.profile = profile_;
    if (produced_.ok()) {
      input.file = produced_->get();  // null: no file
    } else {
      after_unmount_.push_back({RunnerFailure::Kind::kFileUnreadable, produced_.status().message()});
    }
    expectation_ = environment_.engine->Expectation(scenario_.guest);
    input.ram = expectation_.get();
    input.loaded_ram = load_.loaded_ram;
    input.prefix = prefix_;
    input.expected = Expected();
    input.migration_file = file_;
    if (save_.outcome) input.save = *save_.outcome;
    input.load = load_.outcome;

    const Result<mrm::format::ParsedStream> parsed = ParseProducedFile(input);
    input.parsed = &parsed;  // the checks and the write map share one parse
    const MainHandles main_handles = FindMainHandles(input);
    input.main_handles = &main_handles;  // and one pass for the main handles
    result().checks = RunChecks(input);
    if (environment_.draw_write_map) {
      run_.write_map_svg =
          RenderWriteMapSvg(BuildWriteMap(input, result().checks, scenario_.name + " on " + profile_.name));
    }
    // A pass that could not re-read the log: the checks saw only part of it.
    if (Status error = log.records.error(); !error.ok()) after_unmount_.push_back({RunnerFailure::Kind::kOpLog, error.message()});
  }

  JobRun FailSetup(const std::string& what) {
    result().expected = Expected().ToString();
    Fail(RunnerFailure::Kind::kSetup, what);
    result().outcome = "not run: " + what;
    return Stamp();
  }

  // The engine cannot run the scenario at all (x-inject on QEMU, ...): said
  // before anything is mounted.
  JobRun Skip(const std::string& why) {
    result().expected = Expected().ToString();
    result().outcome = "not run";
    result().verdict = Verdict::kSkipped;
    result().reason = "does not apply to " + environment_.engine->kind() + ": " + why;
    run_.result.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return std::move(run_);
  }

  JobRun Finish() {
    result().outcome = save_.outcome ? save_.outcome->ToString() : "not run";
    if (load_.outcome) result().outcome += "; load " + load_.outcome->ToString();
    return Stamp();
  }

  // The verdict, from everything the run left.
  JobRun Stamp() {
    VerdictFacts facts;
    facts.engine_kind = environment_.engine->kind();
    facts.engine_version = save_.engine_version;
    facts.interrupted = InterruptWatcher::Instance().interrupted();
    if (facts.interrupted) facts.interrupted_by = SignalText(InterruptWatcher::Instance().signal_number());
    std::tie(result().verdict, result().reason) = DecideVerdict(result(), scenario_.known_engine_bugs, facts);
    result().seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return std::move(run_);
  }

  const Job& job_;
  const Scenario& scenario_;
  const RunEnvironment& environment_;
  HarnessEnv& env_;
  const Clock::time_point started_;
  const std::optional<ExpectedOutcome> expected_;
  JobRun run_;
  diofs::Profile profile_;
  std::optional<WorkDir> work_;
  std::string log_path_;
  std::unique_ptr<DiofsMount> mount_;
  std::string file_;  // the migration file's path in the mount
  std::string uri_;
  std::vector<std::uint8_t> prefix_;
  Side save_, load_;
  std::unique_ptr<RamExpectation> expectation_;
  Result<std::unique_ptr<mrm::format::ByteSource>> produced_ = std::unique_ptr<mrm::format::ByteSource>();
  std::vector<RunnerFailure> after_unmount_;  // met while judging, reported after the unmount's
};

}  // namespace

std::string DefaultPreloadLibrary() {
  if (const char* path = std::getenv("DIOCHECK_LIBRARY"); path != nullptr && *path != '\0') return path;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "libdiocheck.so";
  return (self.parent_path().parent_path() / "lib" / "libdiocheck.so").string();
}

JobRun RunJob(const Job& job, const RunEnvironment& environment) {
  const auto started = Clock::now();
  JobRun run = JobRunner(job, environment).Run();
  // Its teardown too (the unmount's wait, removing a large guest's work
  // files): a suite's time in JUnit is what the job cost the CI run.
  run.result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return run;
}

}  // namespace dioh
