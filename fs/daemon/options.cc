#include "fs/daemon/options.h"

#include "fs/daemon/mount_options.h"
#include "fs/sim/units.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/cli/cli_app.h"

namespace diofs {
namespace {

constexpr const char* kDescription =
    "diofs: a FUSE filesystem that enforces the O_DIRECT rules of a storage profile.\n"
    "An O_DIRECT read or write whose offset or length breaks the profile's alignment\n"
    "fails with EINVAL (or, with --on-violation record, goes through and is flagged).\n"
    "Control files live in MOUNTPOINT/.diofs/ (stats, profile, mark, violation, faults,\n"
    "error, crash, unsynced); the folder is in no listing, so suites that walk or clean\n"
    "the mount never meet it, yet it answers whoever names it.\n"
    "Owners and modes are checked by the kernel as on any filesystem; only the\n"
    "user who mounts gets in, unless --allow-other.\n"
    "As a mount helper: mount -t fuse.diofs diofs MOUNTPOINT -o profile=ext4-512,log=/abs/path\n"
    "(every option below works as -o NAME=VALUE or -o FLAG; '\\,' puts a comma in a value).\n"
    "A refused control write prints its reason on stderr (and in .diofs/error).\n"
    "Unmount with: umount MOUNTPOINT, fusermount3 -u MOUNTPOINT, or SIGINT/SIGTERM. See diofs(1).\n";

std::string ProfileTable() {
  std::string text = "\nProfiles (offset/length alignment, buffer alignment, O_DIRECT at open):\n";
  for (const Profile& p : ProfilePresets()) {
    const auto field = [](const Alignment& a) { return a.enforced() ? std::to_string(a.bytes()) : "none"; };
    text += "  " + p.name + std::string(12 - std::min<std::size_t>(11, p.name.size()), ' ') + field(p.dio_align) +
            "/" + field(p.mem_align) + ", " + std::string(ToString(p.odirect)) + ": " + p.like + "\n";
  }
  return text;
}

dioh::Status Bad(const std::string& message) { return dioh::Status::Error(EINVAL, message); }

}  // namespace

dioh::Result<DaemonCommand> ParseDaemonOptions(int argc, const char* const* argv) {
  CLI::App app(kDescription);
  dioh::cli::SetUpApp(app, "diofs");
  app.footer(ProfileTable());
  std::string profile_name = "strict-4k", on_violation = "einval", backend = "mem";
  std::string dio_align, mem_align, odirect;
  std::vector<std::string> positionals;
  DaemonOptions options;
  app.add_option("--profile", profile_name, "storage profile (see below)")->capture_default_str();
  app.add_option("--backend", backend, "where files live: mem (sparse, in memory) or passthrough:DIR")
      ->capture_default_str();
  app.add_option("--on-violation", on_violation, "einval: fail a misaligned O_DIRECT transfer; record: let it through")
      ->capture_default_str();
  app.add_option("--dio-align", dio_align, "override the profile's offset and length alignment (power of two)");
  app.add_option("--dio-mem-align", mem_align, "override the profile's buffer alignment (power of two)");
  app.add_option("--odirect", odirect, "override: accept or reject open(O_DIRECT)");
  app.add_option("--log", options.log_path, "record every operation to this binary op log (outside the mount)");
  app.add_flag("--log-data", options.log_data, "keep written data in the op log too (for `dioharness log replay`)");
  std::string device, faults_file, capacity;
  app.add_option("--capacity", capacity, "mem backend: what all files may hold (64M, 2G); beyond it writes fail with ENOSPC");
  app.add_option("--device", device,
                 "simulate a device's latency and bandwidth: nvme, sata-ssd, hdd, nfs-1g, with overrides "
                 "(nvme,write-bw=200M,seed=7; see fs/sim/FAULTS.md)");
  app.add_option("--faults", faults_file, "fault rules (JSON, fs/sim/FAULTS.md); change them at runtime in .diofs/faults");
  app.add_flag("--volatile", options.sim.volatile_data,
               "keep data not yet fsync'd in a volatile layer that a crash (.diofs/crash, SIGUSR1) drops");
  app.add_option("--ready-fd", options.ready_fd, "write one byte to this descriptor once mounted");
  app.add_flag("--allow-other", options.allow_other,
               "let other users use the mount (their permissions are still checked; when not root, needs "
               "user_allow_other in /etc/fuse.conf)");
  bool serial_direct_writes = false;
  app.add_flag("--serial-direct-writes", serial_direct_writes,
               "let the kernel pass O_DIRECT writes to one file one at a time, as for a FUSE file system "
               "that does not ask for parallel direct writes (by default, writes that do not extend the "
               "file may overlap: FOPEN_PARALLEL_DIRECT_WRITES, Linux 6.2)");
  app.add_flag("--direct-io-all", options.direct_io_all,
               "buffered opens bypass the page cache too: each write() reaches diofs (and the op log) as issued, "
               "and a buffered open no longer makes direct writes to the same file serial; but a shared mmap of a "
               "file then fails with ENODEV (for migration files; not for programs that map their files)");
  std::vector<std::string> unused;  // -o never reaches CLI11: RewriteMountOptions takes it apart
  app.add_option("-o", unused,
                 "mount options, comma-separated (may repeat): any option here as NAME=VALUE or FLAG "
                 "(profile=ext4-512,log=/abs/log,volatile), or a standard one (ro, nosuid, nodev, noexec, "
                 "noatime, sync, allow_other, fsname=NAME)");
  app.add_flag("-f,--foreground", options.foreground, "stay in the foreground");
  app.add_flag("-s,--single-thread", options.single_threaded, "serve requests on one thread");
  app.add_option("--max-threads", options.max_threads,
                 "at most this many threads serve requests (1-1024); on a small machine, about the CPU count "
                 "spares context switches (dioharness run uses that)")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose,
               "print one line on stderr per refused O_DIRECT operation or misaligned buffer (path, offset, "
               "length, rule, thread); with -f it reaches the terminal (-f alone prints the first refusal)");
  app.add_option("mountpoint", positionals,
                 "folder to mount on; mount(8) passes a SOURCE before it, which diofs ignores")
      ->required()
      ->expected(1, 2);
  // -o: diofs' own options become the options they name, the rest goes to libfuse.
  const auto rewritten = RewriteMountOptions(std::vector<std::string>(argv + 1, argv + argc), [&](std::string_view name) {
    return name != "help" && app.get_option_no_throw("--" + std::string(name)) != nullptr;
  });
  if (!rewritten.ok()) return rewritten.status();
  options.fuse_options = rewritten->mount_options;
  std::vector<const char*> args = {argv[0]};
  for (const std::string& a : rewritten->argv) args.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version are text to print; anything else one line naming the bad word.
    dioh::cli::ParseErrorOutcome outcome = dioh::cli::DescribeParseError(app, e);
    if (outcome.exit_code == 0) return DaemonCommand{std::nullopt, std::move(outcome.text)};
    return Bad(outcome.what);
  }
  options.parallel_direct_writes = !serial_direct_writes;

  auto preset = ProfileByName(profile_name);
  if (!preset.ok()) return preset.status();
  ProfileOverrides overrides;
  if (!dio_align.empty()) {
    auto a = Alignment::Parse(dio_align);
    if (!a.ok()) return a.status().WithContext("--dio-align");
    overrides.dio_align = *a;
  }
  if (!mem_align.empty()) {
    auto a = Alignment::Parse(mem_align);
    if (!a.ok()) return a.status().WithContext("--dio-mem-align");
    overrides.mem_align = *a;
  }
  if (!odirect.empty()) {
    auto o = ParseODirectAtOpen(odirect);
    if (!o.ok()) return o.status();
    overrides.odirect = *o;
  }
  auto policy = ParseOnViolation(on_violation);
  if (!policy.ok()) return policy.status();
  options.profile = ProfileSwitch{ApplyOverrides(*preset, overrides), *policy};
  if (backend != "mem" && backend.rfind("passthrough:", 0) != 0) {
    return Bad("backend must be 'mem' or 'passthrough:DIR', not '" + backend + "'");
  }
  options.backend = backend;
  if (!capacity.empty()) {
    auto bytes = sim::ParseSize(capacity);
    if (!bytes.ok()) return bytes.status().WithContext("--capacity");
    options.capacity = *bytes;
  }
  if (!device.empty()) {
    auto spec = sim::ParseDeviceSpec(device);
    if (!spec.ok()) return spec.status().WithContext("--device");
    options.sim.device = *spec;
  }
  if (!faults_file.empty()) {
    std::ifstream in(faults_file);
    if (!in) return Bad("--faults: cannot read '" + faults_file + "'");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto plan = sim::FaultPlan::Parse(text);
    if (!plan.ok()) return plan.status().WithContext("--faults " + faults_file);
    options.sim.faults = *plan;
  }
  const std::string& mountpoint = positionals.back();
  std::error_code ec;
  options.mountpoint = std::filesystem::absolute(mountpoint, ec).lexically_normal().string();
  if (ec) return Bad("mountpoint '" + mountpoint + "': " + ec.message());
  if (options.mountpoint.size() > 1 && options.mountpoint.back() == '/') options.mountpoint.pop_back();
  if (options.log_data && options.log_path.empty()) return Bad("--log-data needs --log FILE");
  if (!options.log_path.empty()) {
    options.log_path = std::filesystem::absolute(options.log_path, ec).lexically_normal().string();
    // The log's writer would write into the filesystem it records.
    if (options.log_path.rfind(options.mountpoint + "/", 0) == 0) {
      return Bad("op log '" + options.log_path + "' must be outside the mountpoint");
    }
  }
  return DaemonCommand{std::move(options), ""};
}

std::string FuseMountOptions(const DaemonOptions& options) {
  // auto_unmount: libfuse leaves a fusermount3 watching the session, which
  // unmounts when diofs dies however it dies (kill -9 too): no dead mount
  // ("transport endpoint is not connected") is ever left behind.
  std::string text = "subtype=diofs,default_permissions,auto_unmount";
  bool named = false;  // -o fsname=NAME (a harness marks its mounts so)
  for (const std::string& o : options.fuse_options) named = named || o.rfind("fsname=", 0) == 0;
  if (!named) text = "fsname=diofs," + text;
  if (options.allow_other) text += ",allow_other";
  for (const std::string& o : options.fuse_options) {
    // Joined again for libfuse's own split: its escape back in (fsname=a\,b).
    text += ',';
    for (char c : o) {
      if (c == ',' || c == '\\') text += '\\';
      text += c;
    }
  }
  return text;
}

dioh::Status CheckAllowOther(bool root, std::string_view fuse_conf) {
  if (root) return dioh::Status::Ok();
  for (std::size_t start = 0; start < fuse_conf.size();) {
    const std::size_t end = std::min(fuse_conf.find('\n', start), fuse_conf.size());
    std::string_view line = fuse_conf.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line == "user_allow_other") return dioh::Status::Ok();
    start = end + 1;
  }
  return Bad("--allow-other: only root may let other users into a FUSE mount, unless /etc/fuse.conf has a "
             "'user_allow_other' line");
}

dioh::Status CheckMountpoint(const std::string& path) {
  struct statx stx {};
  if (statx(AT_FDCWD, path.c_str(), 0, STATX_TYPE, &stx) != 0) {
    return dioh::ErrnoStatus(errno, "mountpoint '" + path + "'");
  }
  if (!S_ISDIR(stx.stx_mode)) return dioh::Status::Error(ENOTDIR, "mountpoint '" + path + "' is not a folder");
  if ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0) {
    return dioh::Status::Error(EBUSY, "mountpoint '" + path + "' is busy: something is mounted there already");
  }
  return dioh::Status::Ok();
}

}  // namespace diofs
