#include "migration/channel/injected_bugs.h"

#include <cerrno>

namespace mrm::channel {
namespace {

struct Name {
  const char* canonical;
  const char* alias;
};
constexpr Name kNames[] = {
    {"unaligned-pages-offset", nullptr},
    {"relative-rounding", nullptr},
    {"odirect-main-channel", "direct-main-channel"},
    {"ungated-direct-io", nullptr},
    {"silent-buffered-fallback", "buffered-channels"},
    {"misaligned-page-buffers", "misaligned-buffers"},
    {"bitmap-via-odirect-channel", "bitmap-via-direct-channel"},
    {"zero-pages-in-bitmap", "stale-zero-bits"},
    {"truncate-prefix", nullptr},
    {"ignore-short-writes", nullptr},
};
static_assert(std::size(kNames) == static_cast<size_t>(InjectedBug::kCount));

}  // namespace

const char* InjectedBugName(InjectedBug bug) { return kNames[static_cast<size_t>(bug)].canonical; }

std::vector<std::string> InjectedBugs::Names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < bits_.size(); ++i) {
    if (bits_.test(i)) out.push_back(kNames[i].canonical);
  }
  return out;
}

dioh::Result<InjectedBug> ParseInjectedBug(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (name == kNames[i].canonical || (kNames[i].alias != nullptr && name == kNames[i].alias)) {
      return static_cast<InjectedBug>(i);
    }
  }
  std::string known;
  for (const Name& n : kNames) known += (known.empty() ? "" : ", ") + std::string(n.canonical);
  return dioh::Status::Error(EINVAL, "unknown x-inject bug '" + std::string(name) + "' (known: " + known + ")");
}

dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names) {
  InjectedBugs bugs;
  for (const std::string& n : names) {
    auto bug = ParseInjectedBug(n);
    if (!bug.ok()) return bug.status();
    bugs.add(*bug);
  }
  return bugs;
}

}  // namespace mrm::channel
