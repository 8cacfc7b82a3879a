// x-inject: named mistakes the engine reproduces on purpose so that the
// harness can prove it catches them. Several are QEMU's historical bugs.
// The bugs and their names are the parameters core's one list
// (migration/params/injected_bugs.h); this is the engine's set of them.
#pragma once

#include <bitset>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/params/injected_bugs.h"

namespace mrm::channel {

using InjectedBug = params::InjectedBug;

class InjectedBugs {
 public:
  bool has(InjectedBug bug) const { return bits_.test(static_cast<size_t>(bug)); }
  void add(InjectedBug bug) { bits_.set(static_cast<size_t>(bug)); }
  bool empty() const { return bits_.none(); }
  std::vector<std::string> Names() const;  // canonical names, in InjectedBug order

 private:
  std::bitset<params::kInjectedBugCount> bits_;
};

// Canonical names and aliases, as x-inject accepts them (InjectedBugFromName).
dioh::Result<InjectedBugs> ParseInjectedBugs(const std::vector<std::string>& names);

}  // namespace mrm::channel
