#include "harness/scenario/regression_scenarios.h"

namespace dioh {
namespace {

using migration::InjectedBug;

constexpr std::uint64_t kPrefixBytes = 0x11000;  // 68 KiB: page aligned, not 1 MiB aligned

// mapped-ram + multifd + direct-io (effective) on a 4Kn device: 16 MiB, half
// of it zero pages, 4 channels, no bandwidth cap.
Scenario DirectIoBase(const std::string& name) {
  Scenario scenario;
  scenario.name = name;
  scenario.guest.ram = "pc.ram=16M";
  scenario.capabilities = {{"mapped-ram", true}, {"multifd", true}};
  scenario.parameters = {{"direct-io", true}, {"multifd-channels", 4}, {"max-bandwidth", 0}};
  scenario.timeout_seconds = 60;
  scenario.expect = ExpectedOutcome{};
  return scenario;
}

// The settings each bug needs to show; the rest is DirectIoBase.
void Tailor(InjectedBug bug, RegressionCase& c) {
  Scenario& s = c.clean;
  switch (bug) {
    case InjectedBug::kUnalignedPagesOffset:
      c.shows_as = "a pages region that does not start on a 1 MiB boundary";
      break;
    case InjectedBug::kOdirectMainChannel:
      c.shows_as = "the main channel opened with O_DIRECT: its unaligned stream writes are rejected";
      break;
    case InjectedBug::kUngatedDirectIo:
      // direct-io set but not effective: O_DIRECT must not be used at all.
      s.capabilities["multifd"] = false;
      c.shows_as = "O_DIRECT used although multifd is off (direct-io not effective)";
      break;
    case InjectedBug::kSilentBufferedFallback:
      c.shows_as = "direct-io effective, yet the page writes are buffered";
      break;
    case InjectedBug::kMisalignedPageBuffers:
      s.preload = true;  // only libdiocheck sees buffer addresses
      c.shows_as = "O_DIRECT page writes from buffers not 4 KiB aligned (reported by libdiocheck)";
      break;
    case InjectedBug::kBitmapViaOdirectChannel:
      c.shows_as = "the bitmap written through an O_DIRECT channel: a small unaligned write, rejected";
      break;
    case InjectedBug::kZeroPagesInBitmap:
      // A live save whose rewritten pages go data -> zero.
      s.guest.passes = 3;
      s.guest.dirty_fraction = 0.3;
      c.shows_as = "pages that became zero keep their bitmap bit: stale data loaded";
      break;
    case InjectedBug::kRelativeRounding:
      s.uri_offset = kPrefixBytes;
      c.shows_as = "pages regions rounded to 1 MiB relative to offset=, not in the file";
      break;
    case InjectedBug::kTruncatePrefix:
      s.uri_offset = kPrefixBytes;
      c.shows_as = "the bytes before offset= wiped by O_TRUNC";
      break;
    case InjectedBug::kIgnoreShortWrites:
      // All-data pages: every page write is a 512 KiB run, so the third one
      // can be cut to 4 KiB. The clean engine fails the save on it.
      s.guest.zero_fraction = 0;
      s.diofs.faults = nlohmann::json::parse(R"({"seed": 1, "rules": [{"name": "short-page-write", "op": "write",
          "direct": true, "when": {"nth": 3}, "times": 1, "action": {"short": 4096}}]})");
      s.expect = ExpectedOutcome{ExpectedOutcome::Status::kFailed,
                                 "multifd send (*): short write of 0x* of 0x* bytes at 0x* (ramblock pc.ram)"};
      c.shows_as = "a short page write accepted: the file silently misses data";
      break;
  }
}

}  // namespace

std::vector<RegressionCase> RegressionScenarios() {
  std::vector<RegressionCase> cases;
  for (std::size_t i = 0; i < migration::kInjectedBugCount; ++i) {
    const auto bug = static_cast<InjectedBug>(i);
    const std::string name(migration::InjectedBugName(bug));
    RegressionCase c{bug, name, "", DirectIoBase("regress-" + name)};
    Tailor(bug, c);
    c.clean.description = "x-inject " + name + ": " + c.shows_as;
    cases.push_back(std::move(c));
  }
  return cases;
}

Scenario WithInjectedBug(const RegressionCase& regression_case) {
  Scenario scenario = regression_case.clean;
  scenario.parameters["x-inject"] = nlohmann::json::array({regression_case.bug_name});
  scenario.expect.reset();
  return scenario;
}

}  // namespace dioh
