#include "fs/daemon/mount_options.h"

#include <algorithm>
#include <array>
#include <cerrno>

namespace diofs {
namespace {

// What libfuse 3.14 passes on to the kernel mount (tried one by one:
// others fail with "fuse: unknown option(s)"). default_permissions and
// auto_unmount diofs always sets itself.
constexpr std::array<std::string_view, 17> kPassedOn = {
    "rw",   "ro",    "dev",   "nodev",    "suid",                "nosuid",       "exec",       "noexec", "atime",
    "noatime", "sync", "async", "dirsync", "default_permissions", "auto_unmount", "allow_root", "fsname"};
constexpr std::array<std::string_view, 8> kDropped = {"diratime",    "nodiratime",    "relatime", "norelatime",
                                                      "strictatime", "nostrictatime", "lazytime", "nolazytime"};

std::string_view NameOf(std::string_view option) { return option.substr(0, option.find('=')); }

}  // namespace

std::vector<std::string> SplitMountOptions(std::string_view group) {
  std::vector<std::string> options(1);
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i] == '\\' && i + 1 < group.size()) {
      options.back() += group[++i];
    } else if (group[i] == ',') {
      options.emplace_back();
    } else {
      options.back() += group[i];
    }
  }
  std::erase_if(options, [](const std::string& o) { return o.empty(); });
  return options;
}

StandardOption ClassifyStandardOption(std::string_view option) {
  const std::string_view name = NameOf(option);
  const bool has_value = name.size() != option.size();
  if (name == "subtype") return StandardOption::kRefused;
  if (name == "fsname") return has_value ? StandardOption::kPassOn : StandardOption::kUnknown;
  if (has_value) return StandardOption::kUnknown;
  if (std::find(kPassedOn.begin(), kPassedOn.end(), name) != kPassedOn.end()) return StandardOption::kPassOn;
  if (std::find(kDropped.begin(), kDropped.end(), name) != kDropped.end()) return StandardOption::kDrop;
  return StandardOption::kUnknown;
}

dioh::Result<RewrittenArgs> RewriteMountOptions(const std::vector<std::string>& argv,
                                                const std::function<bool(std::string_view)>& is_diofs_option) {
  RewrittenArgs out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {  // the rest is positional
      out.argv.insert(out.argv.end(), argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
      break;
    }
    if (arg.substr(0, 2) != "-o") {
      out.argv.emplace_back(arg);
      continue;
    }
    if (arg == "-o") {
      if (i + 1 == argv.size()) return dioh::Status::Error(EINVAL, "-o needs a list of options");
      arg = argv[++i];
    } else {
      arg.remove_prefix(2);  // -oprofile=x
    }
    for (const std::string& option : SplitMountOptions(arg)) {
      std::string name(NameOf(option));
      std::replace(name.begin(), name.end(), '_', '-');
      if (is_diofs_option(name)) {
        out.argv.push_back("--" + name + option.substr(NameOf(option).size()));
        continue;
      }
      switch (ClassifyStandardOption(option)) {
        case StandardOption::kPassOn:
          out.mount_options.push_back(option);
          break;
        case StandardOption::kDrop:
          break;
        case StandardOption::kRefused:
          return dioh::Status::Error(EINVAL, "mount option '" + option + "': diofs mounts are always fuse.diofs");
        case StandardOption::kUnknown:
          return dioh::Status::Error(
              EINVAL, "unknown mount option '" + option +
                          "' (diofs takes its own options as -o NAME=VALUE, e.g. profile=ext4-512, and the standard "
                          "rw, ro, nosuid, nodev, noexec, noatime, sync, allow_other, fsname=NAME; see diofs(1))");
      }
    }
  }
  return out;
}

}  // namespace diofs
