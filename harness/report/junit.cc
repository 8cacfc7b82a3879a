#include "harness/report/junit.h"

#include <cstdio>
#include <sstream>

#include "harness/report/xml_text.h"

namespace dioh {
namespace {

using Kind = JUnitCase::Kind;

// A message attribute is one line that reporters show in a list: the first
// line of the detail, at most this long (the body has all of it).
constexpr std::size_t kMessageBytes = 240;

std::string MessageLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() <= kMessageBytes) return line;
  std::size_t cut = kMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return line.substr(0, cut) + "…";
}

// What every failure body ends with: which run it was, so that a CI page
// shown without its suite still says what ran and how it ended.
std::string RunContext(const ScenarioResult& r) {
  std::string text = "\n\nscenario: " + r.scenario + " on " + r.profile + "\nexpected: " + r.expected +
                     "\noutcome: " + r.outcome;
  if (!r.configuration.empty()) text += "\nconfiguration: " + r.configuration;
  return text;
}

JUnitCase Case(std::string name, double seconds, Kind kind, std::string type, const std::string& message,
               std::string body) {
  return {std::move(name), seconds, kind, std::move(type), MessageLine(message), std::move(body)};
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds < 0 ? 0.0 : seconds);
  return text;
}

// Jenkins splits a class name at dots into package and class: keep a run whole.
std::string ClassName(const ScenarioResult& r) {
  std::string name = r.scenario + "@" + r.profile;
  for (char& c : name) c = c == '.' ? '_' : c;
  return name;
}

struct Counts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  void Add(const std::vector<JUnitCase>& cases) {
    for (const JUnitCase& c : cases) {
      ++tests;
      failures += c.kind == Kind::kFailure;
      errors += c.kind == Kind::kError;
      skipped += c.kind == Kind::kSkipped;
    }
  }
  std::string Attributes() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
           std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\"";
  }
};

void RenderCase(const JUnitCase& c, const std::string& classname, std::ostringstream& x) {
  x << "    <testcase classname=\"" << XmlEscape(classname) << "\" name=\"" << XmlEscape(c.name) << "\" time=\""
    << Seconds(c.seconds) << "\"";
  if (c.kind == Kind::kPass) {
    x << "/>\n";
    return;
  }
  const char* element = c.kind == Kind::kFailure ? "failure" : c.kind == Kind::kError ? "error" : "skipped";
  x << ">\n      <" << element << " message=\"" << XmlEscape(c.message) << "\"";
  if (c.kind != Kind::kSkipped) x << " type=\"" << XmlEscape(c.type) << "\"";
  x << ">" << XmlTextEscape(c.body) << "</" << element << ">\n    </testcase>\n";
}

}  // namespace

std::vector<JUnitCase> JUnitCases(const ScenarioResult& r) {
  const std::string context = RunContext(r);
  std::vector<JUnitCase> cases;
  if (r.verdict == Verdict::kError) {
    std::string body = r.reason.empty() ? "the run could not be judged" : r.reason;
    for (const RunnerFailure& f : r.runner_failures) body += "\n" + std::string(RunnerFailureName(f.kind)) + ": " + f.detail;
    cases.push_back(Case("run", r.seconds, Kind::kError, "error", body, body + context));
  } else if (r.verdict == Verdict::kSkipped) {
    cases.push_back(Case("run", r.seconds, Kind::kSkipped, "", r.reason, r.reason + context));
  }
  // What failed, and how this verdict reads it.
  const auto judged = [&](std::string name, double seconds, std::string type, const std::string& detail) {
    switch (r.verdict) {
      case Verdict::kKnownEngineBug: {
        const std::string message = "known engine bug: " + r.reason;
        return Case(std::move(name), seconds, Kind::kSkipped, "", message, message + "\n" + detail + context);
      }
      case Verdict::kError:
        return Case(std::move(name), seconds, Kind::kSkipped, "", "not judged: " + MessageLine(r.reason),
                    detail + context);
      case Verdict::kSkipped:
        return Case(std::move(name), seconds, Kind::kSkipped, "", "does not apply: " + MessageLine(r.reason),
                    detail + context);
      default:
        return Case(std::move(name), seconds, Kind::kFailure, std::move(type), detail, detail + context);
    }
  };
  if (r.verdict != Verdict::kError) {  // an error run's runner failures are in its "run" case
    for (const RunnerFailure& f : r.runner_failures) {
      const std::string kind(RunnerFailureName(f.kind));
      cases.push_back(judged(kind, 0, kind, f.detail));
    }
  }
  for (const CheckResult& c : r.checks) {
    if (c.status == CheckStatus::kPass) {
      cases.push_back(Case(c.name, c.seconds, Kind::kPass, "", "", ""));
    } else if (c.status == CheckStatus::kSkip) {
      cases.push_back(Case(c.name, c.seconds, Kind::kSkipped, "", c.detail, c.detail));
    } else {
      cases.push_back(judged(c.name, c.seconds, c.name, c.detail));
    }
  }
  if (r.verdict == Verdict::kUnexpectedPass) {
    const std::string message = "unexpected pass: " + r.reason + " did not show; update the catalog of known engine bugs";
    cases.push_back(Case("known-engine-bug", 0, Kind::kFailure, "unexpected-pass", message, message + context));
  }
  return cases;
}

std::string ToJUnitXml(const Report& report) {
  std::vector<std::vector<JUnitCase>> suites;
  Counts total;
  for (const ScenarioResult& r : report.results) {
    suites.push_back(JUnitCases(r));
    total.Add(suites.back());
  }
  // The ISO 8601 form JUnit's schema takes: no zone designator.
  std::string timestamp = report.started_at;
  if (!timestamp.empty() && timestamp.back() == 'Z') timestamp.pop_back();
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"" << XmlEscape(report.title) << "\" " << total.Attributes() << " time=\""
    << Seconds(report.wall_seconds) << "\" timestamp=\"" << XmlEscape(timestamp) << "\">\n";
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const ScenarioResult& r = report.results[i];
    Counts counts;
    counts.Add(suites[i]);
    const std::string classname = ClassName(r);
    x << "  <testsuite name=\"" << XmlEscape(classname) << "\" " << counts.Attributes() << " time=\""
      << Seconds(r.seconds) << "\" timestamp=\"" << XmlEscape(timestamp) << "\">\n"
      << "    <properties>\n";
    for (const auto& [name, value] : {std::pair<const char*, std::string>{"scenario", r.scenario},
                                      {"profile", r.profile},
                                      {"verdict", std::string(VerdictName(r.verdict))},
                                      {"reason", r.reason},
                                      {"expected", r.expected},
                                      {"outcome", r.outcome},
                                      {"configuration", r.configuration}}) {
      x << "      <property name=\"" << name << "\" value=\"" << XmlEscape(value) << "\"/>\n";
    }
    x << "    </properties>\n";
    for (const JUnitCase& c : suites[i]) RenderCase(c, classname, x);
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

}  // namespace dioh
