#include "migration/channel/injected_bugs.h"

#include <cerrno>

namespace mrm::channel {

std::vector<std::string> InjectedBugs::Names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < bits_.size(); ++i) {
    if (bits_.test(i)) out.emplace_back(params::InjectedBugName(static_cast<InjectedBug>(i)));
  }
  return out;
}

dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names) {
  InjectedBugs bugs;
  for (const std::string& name : names) {
    const auto bug = params::InjectedBugFromName(name);
    if (!bug) {
      std::string known;
      for (std::string_view n : params::InjectedBugNames()) known += (known.empty() ? "" : ", ") + std::string(n);
      return dioh::Status::Error(EINVAL, "unknown x-inject bug '" + name + "' (known: " + known + ")");
    }
    bugs.add(*bug);
  }
  return bugs;
}

}  // namespace mrm::channel
