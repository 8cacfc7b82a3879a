// The -o arguments of diofs as mount(8) passes them through mount.fuse3
// ("diofs SOURCE MOUNTPOINT -o rw,noatime,profile=ext4-512"): split as
// libfuse splits them, then sorted into diofs' own options, which become
// the command-line options they name, and standard mount options, which go
// on to libfuse.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace diofs {

// One -o argument split at its commas, as libfuse's fuse_opt does: a
// backslash takes the next character as it is, so "device=nvme\,seed=7" is
// one option holding a comma.
std::vector<std::string> SplitMountOptions(std::string_view group);

// What diofs does with a mount option that is not one of its own.
enum class StandardOption {
  kPassOn,   // libfuse and the kernel take it: rw, ro, nosuid, nodev, noexec, sync, fsname=...
  kDrop,     // fstab's atime family (relatime, nodiratime...): libfuse 3.14 refuses them,
             // and on FUSE atime is the filesystem's, which diofs changes only by utimensat
  kRefused,  // subtype=: diofs mounts must stay fuse.diofs (libdiocheck finds them by it)
  kUnknown,
};
StandardOption ClassifyStandardOption(std::string_view option);

// `argv` (without the program name) with every -o argument taken apart:
// an option naming a diofs option (`is_diofs_option("profile")`; "_" and
// "-" are the same in names) becomes "--profile=ext4-512" (or "--volatile"
// for a flag), standard options are kept apart for libfuse, dropped ones
// vanish, anything else fails with one line naming it.
struct RewrittenArgs {
  std::vector<std::string> argv;
  std::vector<std::string> mount_options;
};
dioh::Result<RewrittenArgs> RewriteMountOptions(const std::vector<std::string>& argv,
                                                const std::function<bool(std::string_view)>& is_diofs_option);

}  // namespace diofs
