#include "harness/report/report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/os/errno_status.h"

namespace dioh {
namespace {

using nlohmann::json;

json CheckToJson(const CheckResult& c) {
  return {{"name", c.name}, {"status", CheckStatusName(c.status)}, {"detail", c.detail}, {"seconds", c.seconds}};
}

json ResultToJson(const ScenarioResult& r) {
  json runner_failures = json::array();
  for (const RunnerFailure& f : r.runner_failures) {
    runner_failures.push_back({{"kind", RunnerFailureName(f.kind)}, {"detail", f.detail}});
  }
  json checks = json::array();
  for (const CheckResult& c : r.checks) checks.push_back(CheckToJson(c));
  return {{"scenario", r.scenario}, {"profile", r.profile},   {"expected", r.expected},
          {"outcome", r.outcome},   {"verdict", VerdictName(r.verdict)}, {"reason", r.reason}, {"seconds", r.seconds},
          {"configuration", r.configuration}, {"runner_failures", runner_failures}, {"checks", checks}};
}

constexpr std::pair<RunnerFailure::Kind, std::string_view> kRunnerFailureNames[] = {
    {RunnerFailure::Kind::kSetup, "setup"},
    {RunnerFailure::Kind::kDiofsExit, "diofs-exit"},
    {RunnerFailure::Kind::kOpLog, "op-log"},
    {RunnerFailure::Kind::kFileUnreadable, "file-readable"},
};

constexpr std::pair<CheckStatus, std::string_view> kCheckStatusNames[] = {
    {CheckStatus::kPass, "pass"},
    {CheckStatus::kFail, "fail"},
    {CheckStatus::kSkip, "skip"},
};

constexpr std::pair<Verdict, std::string_view> kVerdictNames[] = {
    {Verdict::kPass, "pass"},
    {Verdict::kFail, "fail"},
    {Verdict::kSkipped, "skipped"},
    {Verdict::kKnownEngineBug, "known-engine-bug"},
    {Verdict::kUnexpectedPass, "unexpected-pass"},
    {Verdict::kError, "error"},
};

// The enums' names for reports: one table each, read both ways.
template <typename Enum, std::size_t N>
std::string_view NameIn(const std::pair<Enum, std::string_view> (&table)[N], Enum value, std::string_view fallback) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return fallback;
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueIn(const std::pair<Enum, std::string_view> (&table)[N], std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// Reads a check from report.json; reports written before CheckStatus carry
// the bools "passed" and "skipped" instead of "status".
Result<CheckResult> CheckFromJson(const json& c) {
  CheckResult check{c.at("name").get<std::string>(), CheckStatus::kFail, c.at("detail").get<std::string>(),
                    c.value("seconds", 0.0)};
  if (const auto status = c.find("status"); status != c.end()) {
    const auto parsed = CheckStatusFromName(status->get<std::string>());
    if (!parsed) return Status::Error(EINVAL, "not a dioharness report: unknown check status " + status->dump());
    check.status = *parsed;
  } else {
    check.status = !c.at("passed").get<bool>() ? CheckStatus::kFail
                   : c.value("skipped", false) ? CheckStatus::kSkip
                                               : CheckStatus::kPass;
  }
  return check;
}

}  // namespace

std::string_view RunnerFailureName(RunnerFailure::Kind kind) { return NameIn(kRunnerFailureNames, kind, "runner"); }
std::optional<RunnerFailure::Kind> RunnerFailureKindFromName(std::string_view name) {
  return ValueIn(kRunnerFailureNames, name);
}
std::string_view CheckStatusName(CheckStatus status) { return NameIn(kCheckStatusNames, status, "fail"); }
std::optional<CheckStatus> CheckStatusFromName(std::string_view name) { return ValueIn(kCheckStatusNames, name); }
std::string_view VerdictName(Verdict verdict) { return NameIn(kVerdictNames, verdict, "fail"); }
std::optional<Verdict> VerdictFromName(std::string_view name) { return ValueIn(kVerdictNames, name); }

std::string_view VerdictWord(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkipped: return "SKIPPED";
    case Verdict::kKnownEngineBug: return "KNOWN BUG";
    case Verdict::kUnexpectedPass: return "UNEXPECTED PASS";
    case Verdict::kError: return "ERROR";
  }
  return "FAIL";
}

bool VerdictIsSuccess(Verdict verdict) {
  return verdict == Verdict::kPass || verdict == Verdict::kSkipped || verdict == Verdict::kKnownEngineBug;
}

std::vector<std::pair<std::string, std::string>> FailureLines(const ScenarioResult& result) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const RunnerFailure& f : result.runner_failures) lines.emplace_back(RunnerFailureName(f.kind), f.detail);
  for (const CheckResult& c : result.checks) {
    if (c.status == CheckStatus::kFail) lines.emplace_back(c.name, c.detail);
  }
  return lines;
}

std::size_t Report::Count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [verdict](const ScenarioResult& r) { return r.verdict == verdict; }));
}

bool Report::AllSucceeded() const {
  return std::all_of(results.begin(), results.end(), [](const ScenarioResult& r) { return VerdictIsSuccess(r.verdict); });
}

std::string CountsLine(const Report& report) {
  std::string line = std::to_string(report.passed()) + " passed, " + std::to_string(report.failed()) + " failed";
  const std::pair<Verdict, const char*> others[] = {{Verdict::kSkipped, "skipped"},
                                                    {Verdict::kKnownEngineBug, "known engine bug"},
                                                    {Verdict::kUnexpectedPass, "unexpected pass"},
                                                    {Verdict::kError, "error"}};
  for (const auto& [verdict, words] : others) {
    const std::size_t n = report.Count(verdict);
    if (n == 0) continue;
    line += ", " + std::to_string(n) + " " + words;
    // "skipped" is the same in the plural; the others take an s.
    if (n > 1 && verdict != Verdict::kSkipped) line += verdict == Verdict::kUnexpectedPass ? "es" : "s";
  }
  return line;
}

std::string ToJson(const Report& report) {
  json results = json::array();
  for (const ScenarioResult& r : report.results) results.push_back(ResultToJson(r));
  json configuration = json::object();
  for (const auto& [key, value] : report.configuration) configuration[key] = value;
  json verdicts = json::object();
  for (const auto& [verdict, name] : kVerdictNames) verdicts[std::string(name)] = report.Count(verdict);
  json j{{"title", report.title},
         {"started_at", report.started_at},
         {"wall_seconds", report.wall_seconds},
         {"configuration", configuration},
         {"passed", report.passed()},
         {"failed", report.failed()},
         {"verdicts", verdicts}};
  if (report.shard) {
    const ShardRecord& s = *report.shard;
    j["shard"] = {{"index", s.index},
                  {"count", s.count},
                  {"set", {{"description", s.set}, {"runs", s.set_runs}, {"digest", s.set_digest}}}};
  }
  j["results"] = results;
  // An engine's message or a file name may hold any bytes: never a throw, U+FFFD instead.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

dioh::Result<Report> ReportFromJson(const std::string& text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Error(EINVAL, "not a JSON report");
  try {
    Report report;
    report.title = j.at("title").get<std::string>();
    report.started_at = j.at("started_at").get<std::string>();
    report.wall_seconds = j.value("wall_seconds", 0.0);
    if (const auto configuration = j.find("configuration"); configuration != j.end() && configuration->is_object()) {
      for (const auto& [key, value] : configuration->items()) report.configuration.emplace_back(key, value.get<std::string>());
    }
    if (const auto shard = j.find("shard"); shard != j.end()) {
      const json& set = shard->at("set");
      report.shard = ShardRecord{shard->at("index").get<std::size_t>(), shard->at("count").get<std::size_t>(),
                                 set.at("description").get<std::string>(), set.at("runs").get<std::size_t>(),
                                 set.at("digest").get<std::string>()};
      if (report.shard->index < 1 || report.shard->index > report.shard->count) {
        return Status::Error(EINVAL, "not a dioharness report: shard " + std::to_string(report.shard->index) + " of " +
                                         std::to_string(report.shard->count));
      }
    }
    for (const json& r : j.at("results")) {
      ScenarioResult s;
      s.scenario = r.at("scenario").get<std::string>();
      s.profile = r.at("profile").get<std::string>();
      s.expected = r.at("expected").get<std::string>();
      s.outcome = r.at("outcome").get<std::string>();
      // Reports written before Verdict carry the bool "passed" instead.
      if (const auto verdict = r.find("verdict"); verdict != r.end()) {
        const auto parsed = VerdictFromName(verdict->get<std::string>());
        if (!parsed) return Status::Error(EINVAL, "not a dioharness report: unknown verdict " + verdict->dump());
        s.verdict = *parsed;
      } else {
        s.verdict = r.at("passed").get<bool>() ? Verdict::kPass : Verdict::kFail;
      }
      s.reason = r.value("reason", "");
      s.seconds = r.at("seconds").get<double>();
      s.configuration = r.value("configuration", "");
      for (const json& f : r.value("runner_failures", json::array())) {
        const auto kind = RunnerFailureKindFromName(f.at("kind").get<std::string>());
        if (!kind) return Status::Error(EINVAL, "not a dioharness report: unknown runner failure " + f.at("kind").dump());
        s.runner_failures.push_back({*kind, f.at("detail").get<std::string>()});
      }
      for (const json& c : r.at("checks")) {
        auto check = CheckFromJson(c);
        if (!check.ok()) return check.status();
        s.checks.push_back(std::move(*check));
      }
      report.results.push_back(std::move(s));
    }
    return report;
  } catch (const json::exception& e) {
    // The library's own tag ("[json.exception.out_of_range.403] ") means nothing to a user.
    const std::string what = e.what();
    const std::size_t tag_end = what.rfind("] ", what.find(' '));
    return Status::Error(EINVAL, "not a dioharness report: " + (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
  }
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create " + tmp);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoStatus(err, "cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "cannot write " + path);
  }
  return Status::Ok();
}

Status WriteReportFiles(const Report& report, const std::string& dir, const std::string& basename) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error(ec.value(), "cannot create " + dir + ": " + ec.message());
  const std::string base = dir + "/" + basename;
  DIOH_RETURN_IF_ERROR(WriteFileAtomically(base + ".json", ToJson(report)));
  DIOH_RETURN_IF_ERROR(WriteFileAtomically(base + ".md", ToMarkdown(report)));
  return WriteFileAtomically(base + ".xml", ToJUnitXml(report));
}

}  // namespace dioh
