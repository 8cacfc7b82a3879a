#include "harness/checks/checks.h"

#include <chrono>

#include "harness/checks/check_functions.h"

namespace dioh {
namespace {

struct NamedCheck {
  const char* name;
  CheckResult (*run)(const CheckInput&);
};

// The order of the report: I/O rules first, then layout, content, outcome.
constexpr NamedCheck kChecks[] = {
    {"odirect-aligned", checks::CheckODirectAligned},
    {"buffers-aligned", checks::CheckBuffersAligned},
    {"odirect-iff-direct-io", checks::CheckODirectIffDirectIo},
    {"main-channel-buffered", checks::CheckMainChannelBuffered},
    {"page-io-in-regions", checks::CheckPageIoInRegions},
    {"bitmap-matches-pages", checks::CheckBitmapMatchesPages},
    {"ram-equal", checks::CheckRamEqual},
    {"prefix-intact", checks::CheckPrefixIntact},
    {"short-writes-noticed", checks::CheckShortWritesNoticed},
    {"file-parses", checks::CheckFileParses},
    {"expected-outcome", checks::CheckExpectedOutcome},
    {"file-size-bounded", checks::CheckFileSizeBounded},
    {"live-passes", checks::CheckLivePasses},
};

}  // namespace

std::vector<CheckResult> RunChecks(const CheckInput& input) {
  // Six checks read the layout: parse the file once for all of them.
  CheckInput parsed_once = input;
  std::optional<Result<mrm::format::ParsedStream>> parsed;
  if (parsed_once.parsed == nullptr) {
    parsed.emplace(ParseProducedFile(input));
    parsed_once.parsed = &*parsed;
  }
  // Seven read the main handles: find them in one pass for all.
  std::optional<MainHandles> main_handles;
  if (parsed_once.main_handles == nullptr) {
    main_handles.emplace(FindMainHandles(input));
    parsed_once.main_handles = &*main_handles;
  }
  std::vector<CheckResult> results;
  for (const NamedCheck& check : kChecks) {
    const auto started = std::chrono::steady_clock::now();
    CheckResult result = check.run(parsed_once);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.name = check.name;  // the report's names come from this one table
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace dioh
