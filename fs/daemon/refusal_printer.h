// RefusalPrinter: `diofs -f -v` prints one line on stderr per O_DIRECT
// operation diofs refused (or, with --on-violation record, let through and
// flagged), and per misaligned buffer libdiocheck reported: what, where,
// which rule, and the calling thread. `diofs -f` alone prints the first such
// line, with a hint that -v shows them all: a foreground diofs never refuses
// in silence, and a harness's stderr file does not grow with every refusal.
// An observer like the op log, so the lines say exactly what the log records.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>

#include "fs/core/op_event.h"
#include "fs/core/profile.h"

namespace diofs {

// The line for `event` under `profile`, or "" when the event broke no rule.
// "diofs: refused O_DIRECT write of 512 bytes at offset 512 to /f: offset_align
// (strict-4k wants offsets and lengths in multiples of 4096), thread 1234 of process 1230"
std::string RefusalLine(const OpEvent& event, const Profile& profile);

class RefusalPrinter final : public OpObserver {
 public:
  enum class Lines { kEvery, kFirst };
  // `profile` gives the profile in force when a line is printed (it may be switched at runtime).
  RefusalPrinter(std::FILE* out, std::function<Profile()> profile, Lines lines = Lines::kEvery)
      : out_(out), profile_(std::move(profile)), lines_(lines) {}
  void OnOp(const OpEvent& event) override;

 private:
  std::FILE* out_;
  std::function<Profile()> profile_;
  Lines lines_;
  std::atomic<bool> printed_{false};
};

}  // namespace diofs
