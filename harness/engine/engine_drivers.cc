// The mrmigrate and QEMU drivers: both start a process through ChildProcess,
// wait for its QMP socket (watching for an early exit), and connect.
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/engine/child_process.h"
#include "harness/engine/engine_argv.h"
#include "harness/engine/engine_driver.h"
#include "harness/engine/engine_threads.h"
#include "harness/checks/ram_expectation.h"
#include "harness/engine/spawned_engine.h"
#include "migration/runner/guest_spec.h"
#include "harness/os/errno_status.h"
#include "harness/qmp/qmp_client.h"

namespace dioh {
namespace {

constexpr std::size_t kOutputLinesInErrors = 20;

bool IsSocket(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

SpawnedEngine::SpawnedEngine(std::unique_ptr<ChildProcess> child, std::string capture_path)
    : child_(std::move(child)), live_(child_->pid()), capture_path_(std::move(capture_path)) {}

std::string SpawnedEngine::Output() const {
  std::ifstream in(capture_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::string> SpawnedEngine::WaitExit(Deadline deadline) {
  if (child_->WaitForExit(deadline)) return child_->ExitText();
  child_->Kill();
  // SIGKILL cannot be ignored: the exit follows at once; the bound only guards the harness.
  child_->WaitForExit(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  return child_->ExitText() + " (killed at the deadline)";
}

Result<std::unique_ptr<SpawnedEngine>> StartEngine(const std::vector<std::string>& argv, const EngineLaunch& launch,
                                                   const std::string& socket_path, const std::string& capture_path,
                                                   Deadline deadline) {
  const std::string who = (launch.label.empty() ? "engine" : launch.label) + " engine " + argv[0];
  ::unlink(socket_path.c_str());  // a socket left by an earlier run would be connected to in vain
  auto child = ChildProcess::Spawn(SpawnRequest{argv, EngineEnvironment(launch), capture_path});
  if (!child.ok()) return child.status();
  auto engine = std::make_unique<SpawnedEngine>(std::move(*child), capture_path);
  const auto died = [&](const std::string& when) {
    return Status::Error(ECHILD, who + " exited " + when + " (" + engine->child().ExitText() + "); its output:\n" +
                                     LastLines(engine->Output(), kOutputLinesInErrors));
  };
  // The condition is "the socket exists"; the wait between looks is a poll
  // on the pidfd, so an engine that dies is seen at once.
  while (!IsSocket(socket_path)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      engine->Kill();
      return Status::Error(ETIMEDOUT, who + " created no QMP socket " + socket_path + " before the deadline; killed");
    }
    const auto look_again = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(5));
    if (engine->child().WaitForExit(look_again)) return died("before its QMP socket was up");
  }
  auto client = QmpClient::Connect(socket_path, deadline);
  if (!client.ok()) {
    if (engine->child().HasExited()) {
      engine->child().WaitForExit(deadline);
      return died("while the harness connected to its QMP socket");
    }
    engine->Kill();
    return client.status().WithContext(who + ": QMP on " + socket_path);
  }
  engine->set_qmp(std::move(*client));
  return engine;
}

Result<std::pair<std::string, std::string>> SocketAndCapture(const EngineLaunch& launch, const std::string& kind) {
  const std::string label = launch.label.empty() ? "engine" : launch.label;
  const std::string socket_path = launch.work_dir + "/" + label + "." + kind;
  if (socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Status::Error(ENAMETOOLONG, "QMP socket path longer than a unix socket allows (" +
                                           std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                                           " bytes): " + socket_path + "; use a shorter work folder");
  }
  return std::make_pair(socket_path, launch.work_dir + "/" + label + ".log");
}

namespace {

class MrmigrateDriver : public EngineDriver {
 public:
  explicit MrmigrateDriver(std::string binary) : binary_(std::move(binary)) {}
  std::string name() const override { return "mrmigrate"; }
  std::string kind() const override { return "mrmigrate"; }
  // mrmigrate's guest is the seed model itself: --ram, --seed, ... as given.
  std::unique_ptr<RamExpectation> Expectation(const GuestSetup& guest) const override {
    mrm::runner::GuestOptions options;
    options.ram = guest.ram;
    options.seed = guest.seed;
    options.zero_fraction = guest.zero_fraction;
    options.dirty_fraction = guest.dirty_fraction;
    options.passes = guest.passes;
    auto spec = mrm::runner::MakeGuestSpec(options);
    if (!spec.ok()) return nullptr;  // mrmigrate refuses it too: the save fails, nothing to compare
    std::vector<std::pair<std::string, std::uint64_t>> blocks;
    for (const auto& block : spec->blocks) blocks.emplace_back(block.idstr, block.used_length);
    return std::make_unique<SeedRamExpectation>(spec->content, std::move(blocks), spec->passes);
  }
  Result<std::unique_ptr<EngineProcess>> Launch(const EngineLaunch& launch, Deadline deadline) override {
    auto paths = SocketAndCapture(launch, "qmp");
    if (!paths.ok()) return paths.status();
    auto engine = StartEngine(MrmigrateArgv(binary_, launch, paths->first), launch, paths->first, paths->second, deadline);
    if (!engine.ok()) return engine.status();
    return std::unique_ptr<EngineProcess>(std::move(*engine));
  }

 private:
  std::string binary_;
};

// A name without '/' is looked up in $PATH, as a shell would.
std::string ResolveProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return name;
}

Status CheckExecutable(const std::string& binary, const std::string& what, const std::string& hint) {
  std::string why;
  if (::access(binary.c_str(), X_OK) != 0) {
    why = ErrnoText(errno);
  } else if (std::filesystem::is_directory(binary)) {
    why = "it is a folder";
  } else {
    return Status::Ok();
  }
  return Status::Error(ENOENT, what + " binary '" + binary + "' cannot be run: " + why + hint);
}

std::string DefaultMrmigrateBinary() {
  if (const char* env = std::getenv("MRMIGRATE_BINARY"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "mrmigrate").string();
}

}  // namespace

Result<std::string> QuitEngine(EngineProcess& engine, Deadline deadline) {
  // QEMU reports a migration's end from its migration thread and cleans up
  // afterwards in the main loop (migration_cleanup_bh, which joins that
  // thread and shuts multifd down): a quit sent at once can end QEMU before
  // that cleanup runs, and whether a crash in it (QEMU 10.0's
  // multifd_device_state_send_cleanup) shows would be a race. So: wait until
  // no migration thread is left, then one QMP round trip, queued behind the
  // cleanup, then quit.
  constexpr auto kSettle = std::chrono::seconds(10);
  (void)WaitForMigrationThreadsToEnd(engine.pid(), std::min(deadline, std::chrono::steady_clock::now() + kSettle));
  (void)engine.qmp().Execute("query-migrate", nlohmann::json::object(), deadline);
  // An engine already gone closes the socket: the quit fails, the wait reaps.
  (void)engine.qmp().Execute("quit", nlohmann::json::object(), deadline);
  return engine.WaitExit(deadline);
}

Result<std::unique_ptr<EngineDriver>> MakeEngineDriver(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string path = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "mrmigrate") {
    const bool by_default = colon == std::string::npos;
    const std::string binary = by_default ? DefaultMrmigrateBinary() : path;
    DIOH_RETURN_IF_ERROR(CheckExecutable(binary, "mrmigrate",
                                         by_default ? " (it is looked for beside this program, or set MRMIGRATE_BINARY)" : ""));
    return std::unique_ptr<EngineDriver>(std::make_unique<MrmigrateDriver>(binary));
  }
  if (kind == "qemu" && !path.empty()) {
    const std::string binary = ResolveProgram(path);
    DIOH_RETURN_IF_ERROR(CheckExecutable(binary, "QEMU", " (give qemu:PATH of a qemu-system-x86_64, 9.1 or later)"));
    return MakeQemuDriver(binary);
  }
  return Status::Error(EINVAL, "unknown engine '" + spec + "': use mrmigrate, mrmigrate:PATH or qemu:PATH");
}

}  // namespace dioh
