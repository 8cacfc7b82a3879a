// Reports that the tests of report.cc, markdown.cc and junit.cc render.
#pragma once

#include "harness/report/report.h"

namespace dioh::report_test {

// Two runs: one that passed, one with a failed, a passed and a skipped check.
inline Report Sample() {
  Report r;
  r.title = "dioharness matrix";
  r.started_at = "2026-11-25T18:00:00Z";
  r.results.push_back({"save-load-4ch", "strict-4k", "completed", "completed", Verdict::kPass, "", 1.5,
                       {{"odirect-aligned", CheckStatus::kPass, "512 O_DIRECT writes, all aligned"}}});
  r.results.push_back({"unaligned-pages", "strict-4k", "completed", "failed: Invalid argument", Verdict::kFail, "", 0.25,
                       {{"odirect-aligned", CheckStatus::kFail, "write #17 at offset 1000 <len 4096> | tid 12"},
                        {"bitmap-matches-pages", CheckStatus::kPass, ""},
                        {"prefix-intact", CheckStatus::kSkip, "no offset="}}});
  r.wall_seconds = 2.5;
  r.configuration = {{"engine", "mrmigrate"}, {"shard", "1/2"}};
  r.results[1].configuration = "mapped-ram multifd direct-io=on";
  return r;
}

// A failed run with two runner failures before its failed check.
inline Report WithRunnerFailures() {
  Report r;
  r.title = "t";
  r.results.push_back({"live", "strict-4k", "completed", "completed", Verdict::kFail, "", 1.0,
                       {{"odirect-aligned", CheckStatus::kFail, "write seq 9"}}});
  r.results[0].runner_failures = {{RunnerFailure::Kind::kDiofsExit, "diofs exited with status 1: boom"},
                                  {RunnerFailure::Kind::kOpLog, "the log has no trailer (diofs did not close it)"}};
  return r;
}

}  // namespace dioh::report_test
