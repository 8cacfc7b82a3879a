#include "harness/report/junit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/harness/report/junit_check.h"
#include "tests/harness/report/report_samples.h"

namespace dioh {
namespace {

using Kind = JUnitCase::Kind;
using report_test::Sample;
using report_test::WithRunnerFailures;

ScenarioResult RunWith(Verdict verdict, std::string reason) {
  ScenarioResult r = WithRunnerFailures().results[0];
  r.verdict = verdict;
  r.reason = std::move(reason);
  r.checks.push_back({"ram-equal", CheckStatus::kPass, "4096 pages equal", 0.25});
  r.checks.push_back({"prefix-intact", CheckStatus::kSkip, "no offset="});
  return r;
}

std::vector<Kind> Kinds(const std::vector<JUnitCase>& cases) {
  std::vector<Kind> kinds;
  for (const JUnitCase& c : cases) kinds.push_back(c.kind);
  return kinds;
}

// One fail run's runner failures and failed check are failures carrying the
// full detail and the run's context; a pass and a skip stay what they are.
TEST(JUnitCases, AFailedRunHasAFailurePerProblem) {
  const auto cases = JUnitCases(RunWith(Verdict::kFail, ""));
  EXPECT_EQ(Kinds(cases), (std::vector<Kind>{Kind::kFailure, Kind::kFailure, Kind::kFailure, Kind::kPass, Kind::kSkipped}));
  EXPECT_EQ(cases[0].name, "diofs-exit");
  EXPECT_EQ(cases[0].type, "diofs-exit");
  EXPECT_EQ(cases[2].message, "write seq 9");
  EXPECT_EQ(cases[2].body.rfind("write seq 9\n\nscenario: live on strict-4k\nexpected: completed\n", 0), 0u) << cases[2].body;
  EXPECT_EQ(cases[3].seconds, 0.25);
  EXPECT_EQ(cases[4].message, "no offset=");
}

TEST(JUnitCases, AKnownEngineBugIsSkippedNamingTheBug) {
  const auto cases = JUnitCases(RunWith(Verdict::kKnownEngineBug, "QEMU 10.0.2 ignores a short pwritev"));
  EXPECT_EQ(Kinds(cases), (std::vector<Kind>{Kind::kSkipped, Kind::kSkipped, Kind::kSkipped, Kind::kPass, Kind::kSkipped}));
  EXPECT_EQ(cases[2].message, "known engine bug: QEMU 10.0.2 ignores a short pwritev");
  EXPECT_NE(cases[2].body.find("write seq 9"), std::string::npos);
}

TEST(JUnitCases, AnUnexpectedPassIsAFailureOfItsOwn) {
  ScenarioResult r = RunWith(Verdict::kUnexpectedPass, "QEMU 10.0.2 ignores a short pwritev");
  r.runner_failures.clear();
  r.checks[0].status = CheckStatus::kPass;
  const auto cases = JUnitCases(r);
  EXPECT_EQ(Kinds(cases), (std::vector<Kind>{Kind::kPass, Kind::kPass, Kind::kSkipped, Kind::kFailure}));
  EXPECT_EQ(cases.back().name, "known-engine-bug");
  EXPECT_EQ(cases.back().type, "unexpected-pass");
  EXPECT_EQ(cases.back().message.rfind("unexpected pass: QEMU 10.0.2 ignores a short pwritev", 0), 0u);
}

// A run that could not be judged is one error; what failed in it is not a
// verdict on the engine, so it is skipped as not judged.
TEST(JUnitCases, AnUnjudgedRunIsOneError) {
  const auto cases = JUnitCases(RunWith(Verdict::kError, "interrupted by SIGINT while running"));
  EXPECT_EQ(Kinds(cases), (std::vector<Kind>{Kind::kError, Kind::kSkipped, Kind::kPass, Kind::kSkipped}));
  EXPECT_EQ(cases[0].name, "run");
  EXPECT_EQ(cases[0].message, "interrupted by SIGINT while running");
  EXPECT_NE(cases[0].body.find("diofs-exit: diofs exited with status 1: boom"), std::string::npos) << cases[0].body;
  EXPECT_EQ(cases[1].message, "not judged: interrupted by SIGINT while running");
}

TEST(JUnitCases, ASkippedScenarioSaysWhy) {
  ScenarioResult r = RunWith(Verdict::kSkipped, "x-inject is not a QEMU parameter");
  r.runner_failures.clear();
  r.checks.clear();
  const auto cases = JUnitCases(r);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].kind, Kind::kSkipped);
  EXPECT_EQ(cases[0].message, "x-inject is not a QEMU parameter");
}

TEST(JUnitCases, MessagesAreOneClippedLine) {
  ScenarioResult r = RunWith(Verdict::kFail, "");
  r.checks[0].detail = "first line\nsecond line";
  EXPECT_EQ(JUnitCases(r)[2].message, "first line");
  r.checks[0].detail = std::string(300, 'x') + "é";
  const std::string message = JUnitCases(r)[2].message;
  EXPECT_LT(message.size(), 250u);
  EXPECT_EQ(JUnitCases(r)[2].body.rfind(r.checks[0].detail, 0), 0u);  // the body keeps it all
}

class JUnitFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = cli_test::MakeTempDir("junit_test");
    ASSERT_NE(dir_, "");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& xml) {
    const std::string path = dir_ + "/report.xml";
    std::ofstream(path) << xml;
    return path;
  }
  std::string dir_;
};

// Every verdict, control characters, invalid UTF-8, markup and a long detail
// in one report: a strict parser takes it and the counts add up.
TEST_F(JUnitFileTest, EveryVerdictParsesStrictlyAndCountsAddUp) {
  Report report = Sample();
  report.results[1].checks[0].detail = std::string("engine said \x1b[31mred\x1b[0m\x01 \xff\xfe & <done>\n") + std::string(400, 'y');
  for (Verdict v : {Verdict::kSkipped, Verdict::kKnownEngineBug, Verdict::kUnexpectedPass, Verdict::kError}) {
    report.results.push_back(RunWith(v, std::string("reason of ") + std::string(VerdictName(v))));
  }
  const std::string xml = ToJUnitXml(report);
  EXPECT_EQ(junit_check::Problems(Write(xml)), "");
  EXPECT_NE(xml.find(R"(<testsuites name="dioharness matrix" tests="25" failures="5" errors="1" skipped="13" time="2.500" timestamp="2026-11-25T18:00:00">)"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="unaligned-pages@strict-4k" tests="3" failures="1" errors="0" skipped="1" time="0.250")"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<skipped message="known engine bug: reason of known-engine-bug">)"), std::string::npos);
  EXPECT_NE(xml.find(R"(<error message="reason of error" type="error">)"), std::string::npos);
  // The body has the whole detail, escaped, with its line break.
  EXPECT_NE(xml.find("red\xEF\xBF\xBD[0m\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD &amp; &lt;done&gt;\n" + std::string(400, 'y')),
            std::string::npos);
}

// The checker itself refuses what CI readers refuse, so that the test above can fail.
TEST_F(JUnitFileTest, TheCheckerRefusesBrokenFiles) {
  const std::string good = ToJUnitXml(Sample());
  EXPECT_EQ(junit_check::Problems(Write(good)), "");
  std::string control = good;
  control.insert(control.find("write #17"), "\x01");
  EXPECT_NE(junit_check::Problems(Write(control)), "");
  std::string miscounted = good;
  miscounted.replace(miscounted.find("tests=\"4\""), 9, "tests=\"5\"");
  EXPECT_NE(junit_check::Problems(Write(miscounted)), "");
  std::string no_type = good;
  no_type.replace(no_type.find(" type=\"odirect-aligned\""), 22, "");
  EXPECT_NE(junit_check::Problems(Write(no_type)), "");
}

}  // namespace
}  // namespace dioh
