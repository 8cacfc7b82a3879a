// JUnit XML as the test reporters of Jenkins, GitLab and GitHub read it:
// <testsuites> holding one <testsuite> per scenario run, one <testcase> per
// check (and per runner failure), with counts that add up, times in seconds,
// <failure message type> with the full detail in its body (GitLab shows only
// the body), <skipped message> for what does not apply or is a known engine
// bug, and <error> for a run that could not be judged. ToJUnitXml (report.h)
// renders what JUnitCases decides.
#pragma once

#include <string>
#include <vector>

#include "harness/report/report.h"

namespace dioh {

struct JUnitCase {
  enum class Kind { kPass, kFailure, kError, kSkipped };
  std::string name;
  double seconds = 0;
  Kind kind = Kind::kPass;
  std::string type;     // failure/error type: the check or runner failure name, "unexpected-pass", "error"
  std::string message;  // the message attribute (one line, clipped)
  std::string body;     // the element's text: the full detail and what the run was
};

// The test cases of one run, by its verdict:
// - pass, fail: each runner failure is a failure; each check as it went;
// - skipped: one case "run" skipped with the reason; failed checks skipped too;
// - known-engine-bug: what failed is skipped with "known engine bug: <reason>";
// - unexpected-pass: the checks as they went, and a failure "known-engine-bug";
// - error: one case "run" in error (reason and runner failures in its body);
//   failed checks skipped as "not judged".
std::vector<JUnitCase> JUnitCases(const ScenarioResult& result);

}  // namespace dioh
