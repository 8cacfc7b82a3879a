// RunBatch's verdict keeping and reporting, without a mount: MarkUnjudged
// (what could not be judged), DescribeScenario.
#include "harness/runner/batch.h"

#include <gtest/gtest.h>

#include <csignal>

namespace dioh {
namespace {

ScenarioResult Failed(std::vector<RunnerFailure> runner_failures = {}) {
  ScenarioResult r;
  r.verdict = Verdict::kFail;
  r.checks = {{"expected-outcome", CheckStatus::kFail, "expected completed; save engine-died"}};
  r.runner_failures = std::move(runner_failures);
  return r;
}

TEST(MarkUnjudged, AnInterruptedFailIsAnErrorNamingTheSignal) {
  ScenarioResult r = Failed();
  MarkUnjudged(r, SIGINT);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(r.reason, "interrupted by SIGINT while running: engines killed, diofs unmounted");
  r = Failed();
  MarkUnjudged(r, SIGTERM);
  EXPECT_EQ(r.reason.rfind("interrupted by SIGTERM", 0), 0u) << r.reason;
}

// The interrupt came after the run ended: its verdict stands.
TEST(MarkUnjudged, APassStaysAPass) {
  ScenarioResult r;
  r.verdict = Verdict::kPass;
  MarkUnjudged(r, SIGINT);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_EQ(r.reason, "");
}

TEST(MarkUnjudged, ASetupFailureIsAnError) {
  ScenarioResult r = Failed({{RunnerFailure::Kind::kSetup, "diofs did not mount: /dev/fuse: No such device"}});
  MarkUnjudged(r, 0);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(r.reason, "could not start: diofs did not mount: /dev/fuse: No such device");
}

// A diofs that exits badly after the run is a failure of the run, not a
// run that could not be judged.
TEST(MarkUnjudged, OtherFailuresStayFailures) {
  ScenarioResult r = Failed({{RunnerFailure::Kind::kDiofsExit, "diofs exited with status 1"}});
  MarkUnjudged(r, 0);
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

}  // namespace
}  // namespace dioh
