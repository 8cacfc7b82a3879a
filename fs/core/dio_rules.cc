#include "fs/core/dio_rules.h"

#include <fcntl.h>

#include <cerrno>

namespace diofs {

RuleVerdict CheckOpen(const Profile& profile, std::uint32_t flags) {
  if (HasODirect(flags) && profile.odirect == ODirectAtOpen::kReject) {
    return {Rule::kODirectUnsupported, Verdict::kRejected};
  }
  return {};
}

RuleVerdict CheckTransfer(const Profile& profile, OnViolation on_violation, std::uint32_t flags,
                          std::uint64_t offset, std::uint64_t length) {
  if (!HasODirect(flags)) return {};
  Rule broken = Rule::kNone;
  if (!profile.dio_align.Aligns(offset)) {
    broken = Rule::kOffsetAlign;
  } else if (!profile.dio_align.Aligns(length)) {
    broken = Rule::kLengthAlign;
  }
  if (broken == Rule::kNone) return {};
  return {broken, on_violation == OnViolation::kEinval ? Verdict::kRejected : Verdict::kRecorded};
}

}  // namespace diofs
