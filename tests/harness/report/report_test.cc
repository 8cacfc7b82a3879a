#include "harness/report/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/harness/report/report_samples.h"

namespace dioh {
namespace {

using report_test::Sample;
using report_test::WithRunnerFailures;

TEST(ReportTest, CountsPassedAndFailed) {
  EXPECT_EQ(Sample().passed(), 1u);
  EXPECT_EQ(Sample().failed(), 1u);
}

TEST(ReportTest, VerdictAndStatusNamesRoundTrip) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kSkipped, Verdict::kKnownEngineBug, Verdict::kUnexpectedPass,
                    Verdict::kError}) {
    EXPECT_EQ(VerdictFromName(VerdictName(v)), v) << VerdictName(v);
  }
  EXPECT_EQ(VerdictName(Verdict::kKnownEngineBug), "known-engine-bug");
  EXPECT_FALSE(VerdictFromName("passed").has_value());
  EXPECT_EQ(VerdictWord(Verdict::kKnownEngineBug), "KNOWN BUG");
  EXPECT_EQ(VerdictWord(Verdict::kError), "ERROR");
  for (CheckStatus c : {CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kSkip}) {
    EXPECT_EQ(CheckStatusFromName(CheckStatusName(c)), c) << CheckStatusName(c);
  }
  EXPECT_FALSE(CheckStatusFromName("skipped").has_value());
}

// Only pass, skipped and known-engine-bug let a command exit 0: an
// unexpected pass means the bug catalog is out of date, an error that
// nothing was judged.
TEST(ReportTest, OnlyPassSkippedAndKnownEngineBugSucceed) {
  EXPECT_TRUE(VerdictIsSuccess(Verdict::kPass));
  EXPECT_TRUE(VerdictIsSuccess(Verdict::kSkipped));
  EXPECT_TRUE(VerdictIsSuccess(Verdict::kKnownEngineBug));
  EXPECT_FALSE(VerdictIsSuccess(Verdict::kFail));
  EXPECT_FALSE(VerdictIsSuccess(Verdict::kUnexpectedPass));
  EXPECT_FALSE(VerdictIsSuccess(Verdict::kError));
  Report r = Sample();
  r.results[1].verdict = Verdict::kKnownEngineBug;
  EXPECT_TRUE(r.AllSucceeded());
  r.results[1].verdict = Verdict::kUnexpectedPass;
  EXPECT_FALSE(r.AllSucceeded());
}

TEST(ReportTest, CountsLineNamesEveryVerdictPresent) {
  Report r = Sample();
  EXPECT_EQ(CountsLine(r), "1 passed, 1 failed");
  for (Verdict v : {Verdict::kSkipped, Verdict::kSkipped, Verdict::kKnownEngineBug, Verdict::kUnexpectedPass,
                    Verdict::kUnexpectedPass, Verdict::kError}) {
    r.results.push_back(r.results[0]);
    r.results.back().verdict = v;
  }
  EXPECT_EQ(CountsLine(r), "1 passed, 1 failed, 2 skipped, 1 known engine bug, 2 unexpected passes, 1 error");
}

TEST(ReportTest, VerdictAndReasonRoundTrip) {
  Report r = Sample();
  r.results[1].verdict = Verdict::kKnownEngineBug;
  r.results[1].reason = "qemu 10.0.2 ignores a short pwritev";
  auto parsed = ReportFromJson(ToJson(r));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->results[1].verdict, Verdict::kKnownEngineBug);
  EXPECT_EQ(parsed->results[1].reason, "qemu 10.0.2 ignores a short pwritev");
  EXPECT_FALSE(ReportFromJson(R"({"title":"x","started_at":"y","results":[{"scenario":"s","profile":"p","expected":"e",)"
                              R"("outcome":"o","verdict":"passed","seconds":0,"checks":[]}]})")
                   .ok());
}

// report.json files written before the verdict enum (results/ holds some)
// still merge: "passed" and "skipped" bools map onto the enums.
TEST(ReportTest, ReadsReportsWrittenWithBools) {
  auto parsed = ReportFromJson(R"({"title":"x","started_at":"y","results":[{"scenario":"s","profile":"p","expected":"e",)"
                               R"("outcome":"o","passed":false,"seconds":0,"checks":[)"
                               R"({"name":"a","passed":true,"detail":"","skipped":true},)"
                               R"({"name":"b","passed":false,"detail":""},{"name":"c","passed":true,"detail":""}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->results[0].verdict, Verdict::kFail);
  ASSERT_EQ(parsed->results[0].checks.size(), 3u);
  EXPECT_EQ(parsed->results[0].checks[0].status, CheckStatus::kSkip);
  EXPECT_EQ(parsed->results[0].checks[1].status, CheckStatus::kFail);
  EXPECT_EQ(parsed->results[0].checks[2].status, CheckStatus::kPass);
}

TEST(ReportTest, JsonRoundTrips) {
  const Report original = Sample();
  auto parsed = ReportFromJson(ToJson(original));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), ToJson(original));
  const auto j = nlohmann::json::parse(ToJson(original));
  EXPECT_EQ(j["passed"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["results"][1]["checks"][0]["name"], "odirect-aligned");
  EXPECT_EQ(j["results"][1]["checks"][2]["status"], "skip");
  EXPECT_EQ(j["results"][1]["verdict"], "fail");
  EXPECT_EQ(j["verdicts"]["pass"], 1);
  EXPECT_EQ(j["verdicts"]["known-engine-bug"], 0);
  EXPECT_EQ(j["wall_seconds"], 2.5);
  EXPECT_EQ(j["configuration"]["engine"], "mrmigrate");
  EXPECT_EQ(parsed->results[1].configuration, "mapped-ram multifd direct-io=on");
}

TEST(ReportTest, BadJsonIsAnErrorNotACrash) {
  EXPECT_FALSE(ReportFromJson("{").ok());
  EXPECT_FALSE(ReportFromJson("[]").ok());
  EXPECT_FALSE(ReportFromJson(R"({"title":"x","started_at":"y","results":[{"scenario":1}]})").ok());
  // The JSON library's tag stays out of the message (merge prints it).
  EXPECT_EQ(ReportFromJson(R"({"benchmarks":[]})").status().message(), "not a dioharness report: key 'title' not found");
}

// A run the harness could not judge: its runner failures have their own
// field in the JSON, and come before the checks in FailureLines.
TEST(ReportTest, RunnerFailuresAreTheirOwnField) {
  const Report original = WithRunnerFailures();
  const auto j = nlohmann::json::parse(ToJson(original));
  ASSERT_EQ(j["results"][0]["runner_failures"].size(), 2u);
  EXPECT_EQ(j["results"][0]["runner_failures"][0]["kind"], "diofs-exit");
  EXPECT_EQ(j["results"][0]["runner_failures"][1]["detail"], "the log has no trailer (diofs did not close it)");
  ASSERT_EQ(j["results"][0]["checks"].size(), 1u);  // the check table only
  auto parsed = ReportFromJson(ToJson(original));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ToJson(*parsed), ToJson(original));
  EXPECT_FALSE(ReportFromJson(R"({"title":"x","started_at":"y","results":[{"scenario":"s","profile":"p","expected":"e",)"
                              R"("outcome":"o","passed":false,"seconds":0,"checks":[],)"
                              R"("runner_failures":[{"kind":"nonsense","detail":""}]}]})")
                   .ok());

  const auto lines = FailureLines(original.results[0]);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].first, "diofs-exit");
  EXPECT_EQ(lines[1].first, "op-log");
  EXPECT_EQ(lines[2].first, "odirect-aligned");
}

TEST(ReportTest, RunnerFailureNamesRoundTrip) {
  for (auto kind : {RunnerFailure::Kind::kSetup, RunnerFailure::Kind::kDiofsExit, RunnerFailure::Kind::kOpLog,
                    RunnerFailure::Kind::kFileUnreadable}) {
    EXPECT_EQ(RunnerFailureKindFromName(RunnerFailureName(kind)), kind) << RunnerFailureName(kind);
  }
  EXPECT_EQ(RunnerFailureName(RunnerFailure::Kind::kSetup), "setup");
  EXPECT_EQ(RunnerFailureName(RunnerFailure::Kind::kFileUnreadable), "file-readable");
  EXPECT_FALSE(RunnerFailureKindFromName("odirect-aligned").has_value());
}

// report.json says which shard it holds and of which set of runs, so that
// merge can tell a missing shard from a set that was never split.
TEST(ReportTest, ShardRecordRoundTrips) {
  Report r = Sample();
  r.shard = ShardRecord{2, 4, "matrix of harness/scenarios (28 runs)", 28, "0123456789abcdef"};
  const auto j = nlohmann::json::parse(ToJson(r));
  EXPECT_EQ(j["shard"]["index"], 2);
  EXPECT_EQ(j["shard"]["count"], 4);
  EXPECT_EQ(j["shard"]["set"]["runs"], 28);
  EXPECT_EQ(j["shard"]["set"]["digest"], "0123456789abcdef");
  auto parsed = ReportFromJson(ToJson(r));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->shard.has_value());
  EXPECT_EQ(parsed->shard->index, 2u);
  EXPECT_EQ(parsed->shard->set, "matrix of harness/scenarios (28 runs)");
  EXPECT_EQ(ToJson(*parsed), ToJson(r));
  EXPECT_FALSE(nlohmann::json::parse(ToJson(Sample())).contains("shard"));

  r.shard->index = 5;  // shard 5 of 4
  const auto bad = ReportFromJson(ToJson(r));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("shard 5 of 4"), std::string::npos) << bad.status().message();
}

TEST(ReportTest, WritesTheThreeFiles) {
  const std::string dir = testing::TempDir() + "report_test_out/sub";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteReportFiles(Sample(), dir, "demo").ok());
  for (const char* ext : {".json", ".md", ".xml"}) {
    std::ifstream in(dir + "/demo" + ext);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_FALSE(content.str().empty()) << ext;
  }
  std::ifstream json_in(dir + "/demo.json");
  std::stringstream json;
  json << json_in.rdbuf();
  EXPECT_TRUE(ReportFromJson(json.str()).ok());
  std::filesystem::remove_all(testing::TempDir() + "report_test_out");
}

TEST(ReportTest, WriteFailsWithAReasonWhereTheFolderCannotBeMade) {
  const Status s = WriteReportFiles(Sample(), "/proc/no-such-dir", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/proc/no-such-dir"), std::string::npos);
}

}  // namespace
}  // namespace dioh
