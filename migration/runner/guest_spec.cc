#include "migration/runner/guest_spec.h"

#include <cerrno>
#include <set>

namespace mrm::runner {
namespace {

dioh::Status CheckFraction(const char* name, double value) {
  if (value >= 0.0 && value <= 1.0) return dioh::Status::Ok();
  return dioh::Status::Error(EINVAL, std::string(name) + " must be between 0 and 1, got " + std::to_string(value));
}

}  // namespace

dioh::Result<GuestSpec> MakeGuestSpec(const GuestOptions& options) {
  if (dioh::Status s = CheckFraction("--zero-fraction", options.zero_fraction); !s.ok()) return s;
  if (dioh::Status s = CheckFraction("--dirty-fraction", options.dirty_fraction); !s.ok()) return s;
  if (options.passes < 1) return dioh::Status::Error(EINVAL, "--passes must be at least 1");
  auto blocks = ram::ParseRamSpec(options.ram);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) return dioh::Status::Error(EINVAL, "--ram names no RAM block");
  std::set<std::string> names;
  for (const ram::RamBlockSpec& block : *blocks) {
    if (!names.insert(block.idstr).second) {
      return dioh::Status::Error(EINVAL, "--ram names block " + block.idstr + " twice");
    }
  }
  GuestSpec spec;
  spec.blocks = std::move(*blocks);
  spec.content.seed = options.seed;
  spec.content.zero_fraction = options.zero_fraction;
  spec.content.dirty_fraction = options.dirty_fraction;
  spec.passes = options.passes;
  return spec;
}

}  // namespace mrm::runner
