// Leftovers: what a run that died (SIGKILL, a crash) left behind, and the
// marks by which a later run finds it. Every run marks what it creates with
// its pid: its diofs mounts by fsname ("diofs:<pid>" in /proc/mounts) and its
// temporary folders by name ("diofs-<pid>-XXXXXX", "dioharness.<pid>.XXXXXX"
// under $TMPDIR). A later run reaps only marks whose process is gone, and
// only under its own $TMPDIR: another user's or a live run's are never
// touched. A pid reused since is taken as alive (its leftovers stay: safe).
// Pure over the mount table's text and an "is pid alive" callback; the
// unmounting and removing is ReapLeftovers (mounted_diofs.h).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dioh {

// "diofs:<pid>": diofs's fsname for a mount made by process `pid`.
std::string MountMark(pid_t pid);
// "diofs-<pid>-": the start of MountedDiofs's temporary folder's name.
std::string MountDirPrefix(pid_t pid);
// "dioharness.<pid>.": the start of a run's work folder's name.
std::string RunDirPrefix(pid_t pid);

// The pid in a mount's source ("diofs:4242"), if it is a mark.
std::optional<pid_t> MarkOwner(std::string_view source);
// The pid in a folder's name made by MountDirPrefix or RunDirPrefix.
std::optional<pid_t> FolderOwner(std::string_view name);

struct Leftovers {
  std::vector<std::string> mountpoints;  // to detach (lazy unmount)
  std::vector<std::string> folders;      // to remove, full paths
};

// `mounts_text`: /proc/self/mounts; `tmp_dir`: $TMPDIR without a trailing
// '/'; `tmp_entries`: the names in it. A folder holding a mount that is not
// reaped (unmarked, or a live run's) is kept.
Leftovers FindLeftovers(std::string_view mounts_text, const std::string& tmp_dir,
                        const std::vector<std::string>& tmp_entries, const std::function<bool(pid_t)>& alive);

// The mount points in /proc/mounts text, octal escapes (\040) decoded.
std::vector<std::string> MountPoints(std::string_view mounts_text);

}  // namespace dioh
