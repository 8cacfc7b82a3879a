// RunChecks on real engine runs: the clean engine passes every check, and
// every x-inject case is caught by the check CHECKS.md names for it.
#include "harness/checks/checks.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "migration/model/injected_bugs.h"
#include "tests/harness/checks/check_test_util.h"

namespace dioh::checks {
namespace {

using testing::EngineRun;
using testing::SaveWith;

const CheckResult& Find(const std::vector<CheckResult>& results, const std::string& name) {
  auto it = std::find_if(results.begin(), results.end(), [&](const CheckResult& r) { return r.name == name; });
  EXPECT_NE(it, results.end()) << name;
  return *it;
}

std::string Failures(const std::vector<CheckResult>& results) {
  std::string text;
  for (const CheckResult& r : results) {
    if (r.status == CheckStatus::kFail) text += r.name + ": " + r.detail + "\n";
  }
  return text;
}

// Runs the engine with `bug` injected and checks the run.
std::vector<CheckResult> RunWithBug(EngineRun& run, const char* bug) {
  run.save.inject = *mrm::model::ParseInjectedBugs({bug});
  run.Run();
  return RunChecks(run.Input());
}

// The table of CHECKS.md, in the report's order: I/O rules, layout, content, outcome.
const std::vector<std::string> kCheckTable = {
    "odirect-aligned",      "buffers-aligned",       "odirect-iff-direct-io", "main-channel-buffered", "page-io-in-regions",
    "bitmap-matches-pages", "ram-equal",             "prefix-intact",         "short-writes-noticed",
    "file-parses",          "expected-outcome",      "file-size-bounded"};

std::vector<std::string> Names(const std::vector<CheckResult>& results) {
  std::vector<std::string> names;
  for (const CheckResult& r : results) names.push_back(r.name);
  return names;
}

TEST(RunChecks, ReportsEveryCheckOnceInTheOrderOfTheTable) {
  EngineRun run;
  run.save = SaveWith(2, true);
  run.Run();
  EXPECT_EQ(Names(RunChecks(run.Input())), kCheckTable);
  // Also when there is nothing to read (no log, no file): each check still reports.
  EXPECT_EQ(Names(RunChecks(CheckInput{})), kCheckTable);
}

struct CleanCase {
  const char* label;
  std::uint32_t channels;
  bool direct_io;
  std::uint64_t offset;
  std::uint32_t passes;
};

void PrintTo(const CleanCase& c, std::ostream* os) { *os << c.label; }  // gtest's name for the case

class CleanEngine : public ::testing::TestWithParam<CleanCase> {};

TEST_P(CleanEngine, PassesEveryCheck) {
  const CleanCase& c = GetParam();
  EngineRun run;
  run.save = SaveWith(c.channels, c.direct_io, {7, 0.5, 0.3});
  run.save.offset = c.offset;
  run.save.passes = c.passes;
  run.prefix.assign(c.offset, 0x5a);
  run.preload = true;
  run.Run();
  ASSERT_EQ(run.saved.state, mrm::engine::MigrationState::kCompleted) << run.saved.error_desc;
  const std::vector<CheckResult> results = RunChecks(run.Input());
  EXPECT_EQ(Failures(results), "");
  EXPECT_NE(Find(results, "ram-equal").status, CheckStatus::kSkip);
  EXPECT_NE(Find(results, "bitmap-matches-pages").status, CheckStatus::kSkip);
}

INSTANTIATE_TEST_SUITE_P(Configs, CleanEngine,
                         ::testing::Values(CleanCase{"direct4", 4, true, 0, 1}, CleanCase{"buffered2", 2, false, 0, 1},
                                           CleanCase{"nomultifd", 0, false, 0, 1},
                                           CleanCase{"directNoMultifd", 0, true, 0, 1},
                                           CleanCase{"offset4096", 2, true, 4096, 1},
                                           CleanCase{"live3", 2, true, 0, 3}),
                         [](const auto& param_info) { return std::string(param_info.param.label); });

struct BugCase {
  const char* bug;
  const char* caught_by;
  void (*setup)(EngineRun&);
};

void PrintTo(const BugCase& c, std::ostream* os) { *os << c.bug << " caught by " << c.caught_by; }

class InjectedBug : public ::testing::TestWithParam<BugCase> {};

TEST_P(InjectedBug, IsCaughtByItsCheck) {
  const BugCase& c = GetParam();
  EngineRun run;
  run.save = SaveWith(2, true, {21, 0.5, 0});
  c.setup(run);
  const std::vector<CheckResult> results = RunWithBug(run, c.bug);
  const CheckResult& caught = Find(results, c.caught_by);
  EXPECT_EQ(caught.status, CheckStatus::kFail) << c.bug << " not caught by " << c.caught_by << ": " << caught.detail;
  EXPECT_NE(caught.status, CheckStatus::kSkip);
  EXPECT_FALSE(caught.detail.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Catalog, InjectedBug,
    ::testing::Values(
        BugCase{"unaligned-pages-offset", "page-io-in-regions", [](EngineRun&) {}},
        BugCase{"odirect-main-channel", "main-channel-buffered", [](EngineRun&) {}},
        BugCase{"ungated-direct-io", "odirect-iff-direct-io", [](EngineRun& r) { r.save = SaveWith(0, true); }},
        BugCase{"silent-buffered-fallback", "odirect-iff-direct-io", [](EngineRun&) {}},
        BugCase{"misaligned-page-buffers", "buffers-aligned", [](EngineRun& r) { r.preload = true; }},
        // strict: the O_DIRECT bitmap write at an unaligned offset is refused.
        BugCase{"bitmap-via-odirect-channel", "odirect-aligned", [](EngineRun&) {}},
        BugCase{"zero-pages-in-bitmap", "bitmap-matches-pages",
                [](EngineRun& r) {
                  r.save.content.dirty_fraction = 0.4;
                  r.save.passes = 3;
                }},
        BugCase{"relative-rounding", "page-io-in-regions",
                [](EngineRun& r) {
                  r.save.offset = 4096;
                  r.prefix.assign(4096, 0x5a);
                }},
        BugCase{"truncate-prefix", "prefix-intact",
                [](EngineRun& r) {
                  r.save.offset = 8192;
                  r.prefix.assign(8192, 0xee);
                }},
        BugCase{"ignore-short-writes", "short-writes-noticed",
                [](EngineRun& r) {
                  r.save = SaveWith(2, false, {1, 0.0, 0});
                  r.options.short_write_limit = 8192;
                }}),
    [](const auto& param_info) {
      std::string name = param_info.param.bug;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// On a file system that checks no alignment (tmpfs) the bitmap written through
// an O_DIRECT channel succeeds: the layout then shows it outside every region.
TEST(InjectedBugLenient, BitmapViaOdirectChannelIsMainChannelData) {
  EngineRun run;
  run.save = SaveWith(2, true, {21, 0.5, 0});
  run.options.direct_alignment = 1;
  const std::vector<CheckResult> results = RunWithBug(run, "bitmap-via-odirect-channel");
  ASSERT_EQ(run.saved.state, mrm::engine::MigrationState::kCompleted) << run.saved.error_desc;
  EXPECT_EQ(Find(results, "main-channel-buffered").status, CheckStatus::kFail);
  EXPECT_NE(Find(results, "main-channel-buffered").detail.find("outside every pages region"), std::string::npos);
  EXPECT_EQ(Find(results, "page-io-in-regions").status, CheckStatus::kFail);
}

TEST(InjectedBugLive, ZeroPagesInBitmapAlsoFailsRamEqual) {
  EngineRun run;
  run.save = SaveWith(2, true, {21, 0.5, 0.4});
  run.save.passes = 3;
  const std::vector<CheckResult> results = RunWithBug(run, "zero-pages-in-bitmap");
  EXPECT_EQ(Find(results, "ram-equal").status, CheckStatus::kFail);
}

}  // namespace
}  // namespace dioh::checks
