#include "harness/runner/scenario_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "fs/core/profile.h"
#include "fs/oplog/log_reader.h"
#include "harness/checks/checks.h"
#include "harness/checks/write_map_builder.h"
#include "harness/mount/mounted_diofs.h"
#include "harness/report/write_map.h"
#include "harness/runner/interrupt.h"
#include "migration/format/byte_source.h"
#include "migration/runner/guest_spec.h"

namespace dioh {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kFileName = "guest.img";
constexpr std::chrono::seconds kQuitTimeout{10};
constexpr std::chrono::seconds kUnmountTimeout{30};

// A private folder for one run, removed with everything in it.
class WorkDir {
 public:
  static Result<WorkDir> Make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/dioharness.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return Status::Error(errno, "mkdtemp " + pattern + ": " + std::strerror(errno));
    return WorkDir(pattern);
  }
  WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  explicit WorkDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The bytes the harness puts before offset=: a pattern that depends on the
// seed, so truncating or overwriting them is visible.
std::vector<std::uint8_t> PrefixBytes(std::uint64_t size, std::uint64_t seed) {
  std::vector<std::uint8_t> prefix(size);
  for (std::uint64_t i = 0; i < size; ++i) prefix[i] = static_cast<std::uint8_t>((i * 131 + seed * 7 + 1) & 0xff);
  return prefix;
}

Status WriteWholeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::Error(EIO, "could not write " + path);
  return Status::Ok();
}

// Reads the produced file through the mount (the harness's reads are its own
// pid's, which the checks ignore). Absent when the save made no file.
Result<std::optional<std::vector<std::uint8_t>>> ReadProducedFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::vector<std::uint8_t>>();
    return Status::Error(errno, "open " + path + ": " + std::strerror(errno));
  }
  std::vector<std::uint8_t> bytes;
  constexpr std::size_t kChunk = 4u << 20;
  for (;;) {
    const std::size_t used = bytes.size();
    bytes.resize(used + kChunk);
    const ssize_t n = pread(fd, bytes.data() + used, kChunk, static_cast<off_t>(used));
    if (n < 0) {
      const int error = errno;
      close(fd);
      return Status::Error(error, "read " + path + ": " + std::strerror(error));
    }
    bytes.resize(used + static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  close(fd);
  return std::optional<std::vector<std::uint8_t>>(std::move(bytes));
}

std::vector<std::string> DiofsArgs(const DiofsSetup& setup, const WorkDir& work, const std::string& log_path) {
  std::vector<std::string> args = {"--profile", setup.profile, "--on-violation", setup.on_violation, "--log", log_path};
  if (setup.backend == "passthrough") {
    std::filesystem::create_directories(work.Sub("backing"));
    args.insert(args.end(), {"--backend", "passthrough:" + work.Sub("backing")});
  } else {
    args.insert(args.end(), {"--backend", setup.backend});
  }
  if (!setup.device.empty()) args.insert(args.end(), {"--device", setup.device});
  if (!setup.capacity.empty()) args.insert(args.end(), {"--capacity", setup.capacity});
  return args;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

MigrationFacts FactsOf(const Scenario& scenario) {
  MigrationFacts facts;
  const auto capability = [&](const char* name) {
    const auto it = scenario.capabilities.find(name);
    return it != scenario.capabilities.end() && it->second;
  };
  facts.mapped_ram = capability("mapped-ram");
  facts.multifd = capability("multifd");
  facts.direct_io_requested = scenario.parameters.value("direct-io", false);
  facts.direct_io_effective = DirectIoEffective(scenario);
  facts.direct_io_not_effective = DirectIoNotEffectiveReason(scenario);
  facts.channels = scenario.parameters.value("multifd-channels", 2u);  // QEMU's default
  facts.uri_offset = scenario.uri_offset;
  facts.ram_bytes = scenario.guest.TotalRamBytes();
  facts.passes = scenario.guest.passes;
  return facts;
}

ProfileFacts ProfileFactsOf(const diofs::Profile& profile) {
  ProfileFacts facts;
  facts.name = profile.name;
  facts.dio_align = profile.dio_align.bytes();
  facts.mem_align = profile.mem_align.bytes();
  facts.odirect_rejected = profile.odirect == diofs::ODirectAtOpen::kReject;
  facts.checks_alignment = profile.dio_align.enforced() || profile.mem_align.enforced();
  return facts;
}

std::optional<CheckInput::RamModel> RamModelOf(const GuestSetup& guest) {
  mrm::runner::GuestOptions options;
  options.ram = guest.ram;
  options.seed = guest.seed;
  options.zero_fraction = guest.zero_fraction;
  options.dirty_fraction = guest.dirty_fraction;
  options.passes = guest.passes;
  auto spec = mrm::runner::MakeGuestSpec(options);
  if (!spec.ok()) return std::nullopt;
  CheckInput::RamModel model;
  model.content = spec->content;
  model.passes = spec->passes;
  for (const auto& block : spec->blocks) model.blocks.emplace_back(block.idstr, block.used_length);
  return model;
}

struct Side {
  std::optional<MigrationOutcome> outcome;
  pid_t pid = -1;
};

// Starts an engine, drives one migration, quits it. Never throws, never leaves it running.
Side RunSide(const Job& job, const RunEnvironment& environment, const WorkDir& work, const std::string& uri,
             bool incoming) {
  const Scenario& scenario = job.scenario;
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(scenario.timeout_seconds * 1000));
  EngineLaunch launch;
  launch.label = incoming ? "destination" : "source";
  launch.work_dir = work.Sub(launch.label);
  std::filesystem::create_directories(launch.work_dir);
  launch.incoming = incoming;
  launch.guest = scenario.guest;
  launch.no_direct_io_build = scenario.no_direct_io_build;
  if (scenario.preload) launch.preload_library = environment.preload_library;
  Side side;
  auto engine = environment.engine->Launch(launch, DeadlineIn(timeout));
  if (!engine.ok()) {
    side.outcome = MigrationOutcome{"engine-died", launch.label + " engine: " + engine.status().message(), 0};
    return side;
  }
  side.pid = (*engine)->pid();
  const LiveEngine live(side.pid);
  MigrationRequest request;
  request.capabilities = scenario.capabilities;
  request.parameters = scenario.parameters;
  request.uri = uri;
  request.incoming = incoming;
  request.deadline = DeadlineIn(timeout);
  side.outcome = DriveMigration(**engine, request);
  if (InterruptWatcher::Instance().interrupted()) {
    side.outcome = MigrationOutcome{"interrupted", "interrupted by signal " + std::to_string(InterruptWatcher::Instance().signal_number()), side.outcome->seconds};
  }
  if (side.outcome->status == "timeout") {
    side.outcome->error_desc += " (engine killed after " + std::to_string(scenario.timeout_seconds) + " s)";
    (*engine)->Kill();
  }
  (void)QuitEngine(**engine, DeadlineIn(kQuitTimeout));
  return side;
}

std::string OutcomeText(const Side& save, const Side& load) {
  std::string text = save.outcome ? save.outcome->ToString() : "not run";
  if (load.outcome) text += "; load " + load.outcome->ToString();
  return text;
}

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
  const Scenario& scenario = job.scenario;
  JobRun run;
  ScenarioResult& result = run.result;
  result.scenario = scenario.name;
  result.profile = scenario.diofs.profile;
  const auto finish = [&](std::string outcome) {
    result.outcome = std::move(outcome);
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return run;
  };
  const auto fail_setup = [&](const std::string& what) {
    result.expected = job.expected.ToString();
    result.checks.push_back({"setup", false, what, false});
    return finish("not run: " + what);
  };

  auto profile = diofs::ProfileByName(scenario.diofs.profile);
  if (!profile.ok()) return fail_setup(profile.status().message());
  auto work = WorkDir::Make();
  if (!work.ok()) return fail_setup(work.status().message());
  const std::string log_path = work->Sub("ops.log");
  std::vector<std::string> diofs_args = DiofsArgs(scenario.diofs, *work, log_path);
  if (!scenario.diofs.faults.is_null()) {
    const std::string faults_path = work->Sub("faults.json");
    std::ofstream(faults_path) << scenario.diofs.faults.dump(2) << "\n";
    diofs_args.insert(diofs_args.end(), {"--faults", faults_path});
  }
  auto mount = MountedDiofs::Mount(diofs_args);
  if (!mount.ok()) return fail_setup("diofs did not mount: " + mount.status().message());

  const std::string file = (*mount)->Path(kFileName);
  result.expected = ReplaceAll(job.expected.ToString(), "{file}", file);
  std::string uri = "file:" + file;
  const std::vector<std::uint8_t> prefix = PrefixBytes(scenario.uri_offset, scenario.guest.seed);
  if (scenario.uri_offset > 0) {
    uri += ",offset=" + std::to_string(scenario.uri_offset);
    if (Status status = WriteWholeFile(file, prefix); !status.ok()) return fail_setup(status.message());
  }

  const Side save = RunSide(job, environment, *work, uri, /*incoming=*/false);
  Side load;
  if (scenario.load && save.outcome && save.outcome->status == "completed" &&
      !InterruptWatcher::Instance().interrupted()) {
    load = RunSide(job, environment, *work, uri, /*incoming=*/true);
  }
  if (save.outcome) run.save_seconds = save.outcome->seconds;
  if (load.outcome) run.load_seconds = load.outcome->seconds;
  auto produced = ReadProducedFile(file);
  if (produced.ok() && produced->has_value()) run.file_bytes = (*produced)->size();
  // Generous: on a machine loaded by parallel builds diofs may take seconds
  // to drain its workers, and killing it would fail a run that did nothing wrong.
  auto unmounted = (*mount)->Unmount(kUnmountTimeout);
  if (!unmounted.ok() || *unmounted != 0) {
    result.checks.push_back({"diofs-exit", false,
                             unmounted.ok() ? "diofs exited with status " + std::to_string(*unmounted) + ": " + (*mount)->DaemonStderr()
                                            : unmounted.status().message(),
                             false});
  }
  auto log = diofs::oplog::ReadLogFile(log_path);
  if (!log.ok()) {
    result.checks.push_back({"op-log", false, log.status().message(), false});
    return finish(OutcomeText(save, load));
  }
  if (!log->complete()) {
    result.checks.push_back({"op-log", false,
                             log->damage.ok() ? "the log has no trailer (diofs did not close it)" : log->damage.message(), false});
  }
  if (environment.keep_logs && !environment.artefact_dir.empty()) {
    std::error_code ignored;
    std::filesystem::copy_file(log_path, environment.artefact_dir + "/" + job.id + ".oplog",
                               std::filesystem::copy_options::overwrite_existing, ignored);
  }

  CheckInput input;
  input.records = &log->records;
  input.file_path = std::string("/") + kFileName;
  if (save.pid > 0) input.save_pids.insert(static_cast<std::uint32_t>(save.pid));
  if (load.pid > 0) input.load_pids.insert(static_cast<std::uint32_t>(load.pid));
  input.facts = FactsOf(scenario);
  input.profile = ProfileFactsOf(*profile);
  std::optional<mrm::format::MemoryByteSource> file_source;
  if (produced.ok() && produced->has_value()) {
    file_source.emplace(std::span<const std::uint8_t>(**produced));
    input.file = &*file_source;
  } else if (!produced.ok()) {
    result.checks.push_back({"file-readable", false, produced.status().message(), false});
  }
  if (environment.engine->ram_is_modelled()) input.ram = RamModelOf(scenario.guest);
  input.prefix = prefix;
  input.expected = result.expected;
  input.rejections_expected = job.expected.rejected_io;
  if (save.outcome) input.save = SideOutcome{save.outcome->status, save.outcome->error_desc};
  if (load.outcome) input.load = SideOutcome{load.outcome->status, load.outcome->error_desc};

  const Result<mrm::format::ParsedStream> parsed = ParseProducedFile(input);
  input.parsed = &parsed;  // the checks and the write map share one parse
  std::vector<CheckResult> checks = RunChecks(input);
  result.checks.insert(result.checks.end(), checks.begin(), checks.end());
  result.passed = true;
  for (const CheckResult& check : result.checks) result.passed = result.passed && check.passed;
  run.write_map_svg = RenderWriteMapSvg(BuildWriteMap(input, result.checks, scenario.name + " on " + profile->name));
  return finish(OutcomeText(save, load));
}

}  // namespace dioh
