// DioFilesystem: the hidden control folder /.diofs/ (DESIGN.md, section
// diofs). Its files are never logged as data: reading one gives a snapshot
// taken at open; a write is one command, in force when the write returns,
// and a bad one fails with EINVAL and changes nothing.
#include <fcntl.h>

#include <array>
#include <cerrno>

#include <nlohmann/json.hpp>

#include "common/text/json_nesting.h"
#include "fs/core/filesystem.h"
#include "fs/sim/units.h"

namespace diofs {
namespace {

constexpr std::uint64_t kControlDirIno = 2;

struct ControlSpec {
  ControlFile file;
  std::uint64_t ino;
  const char* name;
  mode_t mode;
};

constexpr std::array<ControlSpec, 8> kControlFiles = {{
    {ControlFile::kStats, 3, "stats", 0444},
    {ControlFile::kProfile, 4, "profile", 0644},
    // Writable by the mount's owner only (the kernel checks, default_permissions):
    // other users of an allow_other mount may not steer diofs or forge its log.
    {ControlFile::kMark, 5, "mark", 0200},
    {ControlFile::kViolation, 6, "violation", 0200},
    {ControlFile::kFaults, 7, "faults", 0644},  // fs/sim/FAULTS.md
    {ControlFile::kError, 8, "error", 0444},    // why the last control write failed
    {ControlFile::kCrash, 9, "crash", 0200},    // "crash", or "torn SEED": drop unsynced data
    {ControlFile::kUnsynced, 10, "unsynced", 0444},
}};
static_assert(10 < InodeTable::kFirstFileIno);

const ControlSpec* SpecOf(std::uint64_t ino) {
  for (const ControlSpec& spec : kControlFiles) {
    if (spec.ino == ino) return &spec;
  }
  return nullptr;
}

NodeAttr ControlNodeAttr(mode_t mode) {
  NodeAttr attr;
  attr.mode = mode;
  attr.nlink = S_ISDIR(mode) ? 2 : 1;
  attr.uid = geteuid();
  attr.gid = getegid();
  return attr;
}

std::string_view Chomp(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<Entry> DioFilesystem::LookupControl(std::uint64_t parent, const std::string& name) const {
  if (parent == InodeTable::kRootIno && name == ".diofs") {
    return Entry{kControlDirIno, *ControlAttr(kControlDirIno)};
  }
  if (parent != kControlDirIno) return std::nullopt;
  for (const ControlSpec& spec : kControlFiles) {
    if (name == spec.name) return Entry{spec.ino, *ControlAttr(spec.ino)};
  }
  return std::nullopt;
}

std::optional<NodeAttr> DioFilesystem::ControlAttr(std::uint64_t ino) const {
  if (ino == kControlDirIno) return ControlNodeAttr(S_IFDIR | 0755);
  const ControlSpec* spec = SpecOf(ino);
  if (spec == nullptr) return std::nullopt;
  return ControlNodeAttr(S_IFREG | spec->mode);
}

std::vector<DirEntry> DioFilesystem::ControlListing() const {
  std::vector<DirEntry> entries;
  for (const ControlSpec& spec : kControlFiles) entries.push_back({spec.name, S_IFREG});
  return entries;
}

dioh::Result<Opened> DioFilesystem::OpenControl(std::uint64_t ino, std::uint32_t flags) {
  const ControlSpec* spec = SpecOf(ino);
  if (spec == nullptr) return dioh::Status::Error(EISDIR, "/.diofs is a folder");
  const bool writes = (flags & O_ACCMODE) != O_RDONLY;
  if (writes && (spec->mode & 0222) == 0) return dioh::Status::Error(EACCES, "/.diofs/" + std::string(spec->name) + " is read-only");
  auto handle = std::make_shared<OpenHandle>();
  handle->ino = ino;
  handle->open_flags = flags;
  handle->control = spec->file;
  if (spec->file == ControlFile::kStats) {
    handle->snapshot = counters_.ToJson() + "\n";
  } else if (spec->file == ControlFile::kProfile) {
    const auto profile = CurrentProfile();
    handle->snapshot = profile->profile.ToJson(profile->on_violation) + "\n";
  } else if (spec->file == ControlFile::kFaults) {
    handle->snapshot = sim_.faults()->ToJson() + "\n";
  } else if (spec->file == ControlFile::kUnsynced) {
    handle->snapshot = (volatile_ ? volatile_->UnsyncedJson() : std::string("{}")) + "\n";
  } else if (spec->file == ControlFile::kError) {
    std::lock_guard lock(error_mutex_);
    handle->snapshot = last_control_error_.empty() ? "" : last_control_error_ + "\n";
  }
  const std::uint64_t fh = handles_.Add(std::move(handle));
  // direct_io: reads reach diofs whatever size the kernel believes the file has.
  return Opened{Entry{ino, *ControlAttr(ino)}, fh, /*direct_io=*/true};
}

dioh::Result<std::size_t> DioFilesystem::WriteControl(OpenHandle& handle, std::span<const std::byte> data,
                                                      const Caller& caller) {
  const std::string_view text = Chomp({reinterpret_cast<const char*>(data.data()), data.size()});
  switch (handle.control) {
    case ControlFile::kProfile: {
      auto next = ParseProfileSwitch(text, *CurrentProfile());
      if (!next.ok()) return ControlError(next.status().WithContext("profile"));
      std::lock_guard lock(profile_mutex_);
      profile_ = std::make_shared<const ProfileSwitch>(std::move(*next));
      break;
    }
    case ControlFile::kFaults: {
      auto plan = sim::FaultPlan::Parse(text);
      if (!plan.ok()) return ControlError(plan.status().WithContext("faults"));
      sim_.SetFaults(std::move(*plan));
      break;
    }
    case ControlFile::kCrash: {
      // "crash" drops every unsynced change; "torn SEED" keeps seeded sector prefixes.
      const bool torn = text.rfind("torn", 0) == 0;
      std::uint64_t seed = 0;
      if (torn && text.size() > 5) {
        auto parsed = sim::ParseSize(text.substr(5));
        if (!parsed.ok()) return ControlError(parsed.status().WithContext("crash"));
        seed = *parsed;
      } else if (!torn && text != "crash" && text != "1") {
        return ControlError(dioh::Status::Error(EINVAL, "crash: write 'crash' or 'torn SEED', not '" + std::string(text) + "'"));
      }
      auto undone = Crash(torn, seed);
      if (!undone.ok()) return ControlError(undone.status().WithContext("crash"));
      break;
    }
    case ControlFile::kMark: {
      OpEvent event = Begin(OpKind::kMarker, caller);
      event.text = text;
      Emit(event);
      break;
    }
    case ControlFile::kViolation: {
      // A report from libdiocheck (fs/diocheck): one JSON line. Its "mode"
      // says whether the call was failed (einval) or let through (record).
      OpEvent event = Begin(OpKind::kViolation, caller);
      event.text = text;
      event.rule = Rule::kMemAlign;
      // The text is logged as it came; only "mode" is read from it.
      const auto report = dioh::CheckJsonNesting(text).ok()
                              ? nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false)
                              : nlohmann::json();
      const bool recorded = report.is_object() && report.contains("mode") && report["mode"] == "record";
      event.verdict = recorded ? Verdict::kRecorded : Verdict::kRejected;
      Emit(event);
      break;
    }
    default:
      return dioh::Status::Error(EACCES, "read-only control file");
  }
  return data.size();
}

}  // namespace diofs
