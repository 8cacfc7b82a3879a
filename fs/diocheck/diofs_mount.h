// Finding the diofs mount a descriptor lives on, and the one value diocheck
// needs from its profile. Pure parsing over caller buffers: the table is read
// through a caller-given read function so that tests can feed a fake table
// and the preload library can pass the real, uninterposed read(2).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace diocheck {

// The fstype diofs mounts carry in /proc/self/mountinfo (DIOFS-INTERFACE).
inline constexpr std::string_view kDiofsFsType = "fuse.diofs";

// The fields of one /proc/self/mountinfo line diocheck uses (proc(5)):
// "36 35 98:0 /root /mnt opts [optional...] - fstype source superopts".
struct MountinfoEntry {
  unsigned major = 0;
  unsigned minor = 0;
  std::string_view root;         // escaped as in the table
  std::string_view mount_point;  // escaped as in the table (\040 for ' ')
  std::string_view fstype;
};
std::optional<MountinfoEntry> ParseMountinfoLine(std::string_view line);

// Undoes the octal escapes of the mount table (\040 space, \011 tab, \012
// newline, \134 backslash) into `out` with a terminating NUL. False if it
// does not fit.
bool UnescapeMountPath(std::string_view escaped, char* out, size_t capacity);

using ReadFunction = ssize_t (*)(int fd, void* buffer, size_t count);

// Scans the mountinfo text readable from `table_fd` for a fuse.diofs mount of
// the device major:minor whose root is the filesystem root, and writes its
// mount point (unescaped, NUL-terminated) to `out`. False if none.
// Uses only a stack buffer; lines longer than it are skipped.
bool FindDiofsMountPoint(int table_fd, ReadFunction read_fn, unsigned major, unsigned minor,
                         char* out, size_t capacity);

// `"mem_align":N` of the JSON object read from <mount>/.diofs/profile, or
// nullopt when absent or not a positive integer. A hand-written scan: the
// profile is one flat object, and this runs inside an interposed open.
std::optional<uint64_t> ParseProfileMemAlign(std::string_view profile_json);

}  // namespace diocheck
