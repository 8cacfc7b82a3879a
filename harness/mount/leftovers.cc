#include "harness/mount/leftovers.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace dioh {
namespace {

struct MountLine {
  std::string source, mountpoint, type;
};

// /proc/mounts escapes space, tab, newline and backslash as \ooo (the kernel's mangle()).
std::string Unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() &&
        std::all_of(field.begin() + static_cast<long>(i) + 1, field.begin() + static_cast<long>(i) + 4,
                    [](char c) { return c >= '0' && c <= '7'; })) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<MountLine> ParseMounts(std::string_view text) {
  std::vector<MountLine> lines;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    MountLine m;
    if (fields >> m.source >> m.mountpoint >> m.type) {
      m.source = Unescape(m.source);
      m.mountpoint = Unescape(m.mountpoint);
      lines.push_back(std::move(m));
    }
  }
  return lines;
}

std::optional<pid_t> PidAt(std::string_view text, std::string_view prefix, std::string_view end) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  text.remove_prefix(prefix.size());
  pid_t pid = 0;
  const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (error != std::errc() || pid <= 0 || rest == text.data()) return std::nullopt;
  const std::string_view after(rest, static_cast<std::size_t>(text.data() + text.size() - rest));
  if (end.empty() ? !after.empty() : after.substr(0, end.size()) != end) return std::nullopt;
  return pid;
}

bool Under(const std::string& path, const std::string& folder) { return path.rfind(folder + "/", 0) == 0; }

}  // namespace

std::string MountMark(pid_t pid) { return "diofs:" + std::to_string(pid); }
std::string MountDirPrefix(pid_t pid) { return "diofs-" + std::to_string(pid) + "-"; }
std::string RunDirPrefix(pid_t pid) { return "dioharness." + std::to_string(pid) + "."; }

std::optional<pid_t> MarkOwner(std::string_view source) { return PidAt(source, "diofs:", ""); }

std::optional<pid_t> FolderOwner(std::string_view name) {
  if (auto pid = PidAt(name, "diofs-", "-")) return pid;
  return PidAt(name, "dioharness.", ".");
}

std::vector<std::string> MountPoints(std::string_view mounts_text) {
  std::vector<std::string> points;
  for (MountLine& m : ParseMounts(mounts_text)) points.push_back(std::move(m.mountpoint));
  return points;
}

Leftovers FindLeftovers(std::string_view mounts_text, const std::string& tmp_dir,
                        const std::vector<std::string>& tmp_entries, const std::function<bool(pid_t)>& alive) {
  Leftovers found;
  std::vector<std::string> kept_mounts;
  for (const MountLine& m : ParseMounts(mounts_text)) {
    const std::optional<pid_t> owner = m.type == "fuse.diofs" ? MarkOwner(m.source) : std::nullopt;
    if (owner && Under(m.mountpoint, tmp_dir) && !alive(*owner)) {
      found.mountpoints.push_back(m.mountpoint);
    } else {
      kept_mounts.push_back(m.mountpoint);
    }
  }
  for (const std::string& name : tmp_entries) {
    const std::optional<pid_t> owner = FolderOwner(name);
    if (!owner || alive(*owner)) continue;
    const std::string folder = tmp_dir + "/" + name;
    const bool holds_mount = std::any_of(kept_mounts.begin(), kept_mounts.end(), [&](const std::string& point) {
      return point == folder || Under(point, folder);
    });
    if (!holds_mount) found.folders.push_back(folder);
  }
  return found;
}

}  // namespace dioh
