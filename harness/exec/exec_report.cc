#include "harness/exec/exec_report.h"

#include <algorithm>

#include <cstring>
#include <map>

namespace dioh::exec {
namespace {

constexpr std::size_t kListed = 10;  // violations a check's detail lists, at most

// "1 violation", "2 violations".
std::string Count(std::size_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return "signal " + std::to_string(signal) + (abbrev != nullptr ? " (SIG" + std::string(abbrev) + ")" : "");
}

std::string HowItEnded(const CommandEnd& end) {
  switch (end.kind) {
    case CommandEnd::Kind::kExited: return "the command exited " + std::to_string(end.code);
    case CommandEnd::Kind::kSignaled: return "the command was killed by " + SignalName(end.code);
    case CommandEnd::Kind::kNotFound: return "command not found: " + end.detail;
    case CommandEnd::Kind::kNotExecutable: return "command not executable: " + end.detail;
    case CommandEnd::Kind::kInterrupted:
      return "interrupted by " + SignalName(end.code) + ": the command was stopped and the mount removed";
    case CommandEnd::Kind::kFixtureError: return "fixture error: " + end.detail;
  }
  return "";
}

// A check over some violations: each on a line of its detail, the first kListed.
CheckResult ViolationCheck(const char* name, const std::vector<const DirectIoViolation*>& found, std::string pass_detail) {
  CheckResult check{name, CheckStatus::kPass, std::move(pass_detail)};
  if (found.empty()) return check;
  check.status = CheckStatus::kFail;
  check.detail = Count(found.size(), "violation");
  for (std::size_t i = 0; i < found.size() && i < kListed; ++i) check.detail += "\n" + Describe(*found[i]);
  if (found.size() > kListed) check.detail += "\n... and " + std::to_string(found.size() - kListed) + " more";
  return check;
}

std::string CountsText(const OpCounts& c) {
  return std::to_string(c.records) + " ops: " + std::to_string(c.opens) + " opens (" + std::to_string(c.direct_opens) +
         " O_DIRECT), " + std::to_string(c.writes) + " writes (" + std::to_string(c.direct_writes) + " O_DIRECT, " +
         std::to_string(c.bytes_written) + " bytes), " + std::to_string(c.reads) + " reads (" +
         std::to_string(c.direct_reads) + " O_DIRECT, " + std::to_string(c.bytes_read) + " bytes), " +
         std::to_string(c.refused) + " refused, " + std::to_string(c.recorded) + " let through";
}

std::vector<CheckResult> Checks(const ExecRun& run, const Judgement& j) {
  std::vector<CheckResult> checks;
  const bool exited_zero = run.end.kind == CommandEnd::Kind::kExited && run.end.code == 0;
  checks.push_back({"command-exit", exited_zero ? CheckStatus::kPass : CheckStatus::kFail, HowItEnded(run.end)});
  std::vector<const DirectIoViolation*> file_rules, buffers;
  for (const DirectIoViolation& v : j.violations) (v.rule == "buffer" ? buffers : file_rules).push_back(&v);
  const OpCounts& c = j.counts;
  // What libdiocheck refused never reached diofs: say so, or "all aligned"
  // would read as if those transfers had been checked here and passed.
  const auto refused_before = std::count_if(buffers.begin(), buffers.end(), [](const DirectIoViolation* v) {
    return v->refused;
  });
  CheckResult aligned = ViolationCheck(
      "odirect-aligned", file_rules,
      std::to_string(c.direct_opens) + " O_DIRECT opens, " + std::to_string(c.direct_writes) + " writes and " +
          std::to_string(c.direct_reads) + " reads that reached diofs, all aligned" +
          (refused_before > 0 ? "; " + Count(static_cast<std::size_t>(refused_before), "more transfer") +
                                    " refused by libdiocheck before reaching it (buffers-aligned)"
                              : ""));
  if (file_rules.empty() && c.direct_opens == 0) {
    aligned = {"odirect-aligned", CheckStatus::kSkip, "the command did no O_DIRECT I/O in the mount"};
  }
  checks.push_back(std::move(aligned));
  CheckResult buffer_check = ViolationCheck("buffers-aligned", buffers, "libdiocheck saw every buffer aligned");
  if (buffers.empty() && !run.preloaded) {
    buffer_check = {"buffers-aligned", CheckStatus::kSkip, "buffers not checked: run with --preload (libdiocheck)"};
  } else if (buffers.empty() && !j.unchecked.empty()) {
    // io_uring takes buffers through a shared ring: never a pass (DIOCHECK.md, "Limits").
    buffer_check = {"buffers-aligned", CheckStatus::kSkip, "not checked: " + j.unchecked.front()};
  }
  checks.push_back(std::move(buffer_check));
  CheckResult fallback{"no-fallback", CheckStatus::kPass, "no buffered I/O after a refused O_DIRECT"};
  if (!j.fallbacks.empty()) {
    fallback.status = CheckStatus::kFail;
    fallback.detail = Count(j.fallbacks.size(), "fallback");
    for (std::size_t i = 0; i < j.fallbacks.size() && i < kListed; ++i) fallback.detail += "\n" + Describe(j.fallbacks[i]);
  }
  checks.push_back(std::move(fallback));
  return checks;
}

}  // namespace

int ExitStatus(const CommandEnd& end, bool violation_or_fallback) {
  switch (end.kind) {
    case CommandEnd::Kind::kFixtureError: return kExitFixtureError;
    case CommandEnd::Kind::kNotExecutable: return kExitNotExecutable;
    case CommandEnd::Kind::kNotFound: return kExitNotFound;
    case CommandEnd::Kind::kInterrupted: return kExitInterrupted;
    case CommandEnd::Kind::kExited:
    case CommandEnd::Kind::kSignaled: break;
  }
  if (violation_or_fallback) return kExitViolation;
  return end.kind == CommandEnd::Kind::kExited ? end.code : 128 + end.code;
}

std::string ExitReason(const CommandEnd& end, const Judgement* judgement) {
  const bool failed = judgement != nullptr && judgement->failed();
  const int status = ExitStatus(end, failed);
  std::string text = "exit status " + std::to_string(status) + ": ";
  const bool ran = end.kind == CommandEnd::Kind::kExited || end.kind == CommandEnd::Kind::kSignaled;
  if (ran && failed) {
    return text + "the fixture found " + Count(judgement->violations.size(), "violation") + ", " +
           Count(judgement->fallbacks.size(), "fallback") + " (" + HowItEnded(end) + ")";
  }
  if (ran) return text + HowItEnded(end) + (judgement != nullptr ? "; no violation, no fallback" : "");
  return text + HowItEnded(end);
}

std::string ExecName(const std::vector<std::string>& command) {
  std::string words;
  for (const std::string& word : command) words += (words.empty() ? "" : " ") + word;
  return "exec: " + words;
}

ScenarioResult ExecResult(const ExecRun& run) {
  ScenarioResult result;
  result.scenario = ExecName(run.command);
  result.profile = run.profile;
  result.expected = "no O_DIRECT violation, no fallback";
  result.outcome = ExitReason(run.end, run.judgement);
  result.seconds = run.seconds;
  result.configuration = "on-violation=" + run.on_violation + (run.preloaded ? " preload" : "") + " mount " +
                         run.mountpoint;
  if (run.judgement != nullptr) {
    result.configuration += "; " + CountsText(run.judgement->counts);
    result.checks = Checks(run, *run.judgement);
    for (const std::string& line : run.judgement->unreadable) {
      result.runner_failures.push_back({RunnerFailure::Kind::kOpLog, "unreadable libdiocheck report: " + line});
    }
  }
  const bool ran = run.end.kind == CommandEnd::Kind::kExited || run.end.kind == CommandEnd::Kind::kSignaled;
  if (!ran || run.judgement == nullptr) {
    result.verdict = Verdict::kError;
    result.reason = result.outcome;
    if (run.end.kind == CommandEnd::Kind::kFixtureError) {
      result.runner_failures.push_back({RunnerFailure::Kind::kSetup, run.end.detail});
    }
    return result;
  }
  bool failed = !result.runner_failures.empty();
  for (const CheckResult& check : result.checks) failed = failed || check.status == CheckStatus::kFail;
  result.verdict = failed ? Verdict::kFail : Verdict::kPass;
  return result;
}

WriteMap ExecWriteMap(const diofs::oplog::RecordSource& records, const Judgement& judgement, const std::string& title,
                      std::uint64_t sample_budget) {
  WriteMap map;
  map.title = title;
  map.subtitle = CountsText(judgement.counts);
  std::map<std::uint32_t, std::size_t> channel_of_tid;
  const auto channel = [&](std::uint32_t tid) {
    auto [it, added] = channel_of_tid.try_emplace(tid, channel_of_tid.size());
    if (added) map.channels.push_back("thread " + std::to_string(tid));
    return it->second;
  };
  // libdiocheck refuses before the call reaches diofs: its report is all
  // there is of that I/O, drawn at the time of its record (0 off the mount).
  std::map<std::uint64_t, std::uint64_t> time_of_seq;  // the buffer reports' records
  for (const DirectIoViolation& v : judgement.violations) {
    if (v.rule == "buffer" && v.has_offset && v.seq != 0) time_of_seq.emplace(v.seq, 0);
  }
  WriteMapSample sample(map, sample_budget);
  records.ForEach([&](const diofs::oplog::LogRecord& r) {
    if (auto it = time_of_seq.find(r.seq); it != time_of_seq.end()) it->second = r.start_ns;
    if (r.kind != diofs::OpKind::kRead && r.kind != diofs::OpKind::kWrite) return true;
    const bool violation = r.rule != diofs::Rule::kNone;
    sample.Add({r.start_ns, r.offset, r.length, channel(r.tid), r.kind == diofs::OpKind::kRead, violation,
                violation ? "odirect-aligned" : ""});
    return true;
  });
  for (const DirectIoViolation& v : judgement.violations) {
    if (v.rule != "buffer" || !v.has_offset) continue;
    const auto it = time_of_seq.find(v.seq);
    sample.Add({it != time_of_seq.end() ? it->second : 0, v.offset, v.length, channel(v.tid),
                v.operation.find("read") != std::string::npos, true, "buffers-aligned"});
  }
  sample.Finish();
  if (map.channels.empty()) map.channels.push_back("main");
  return map;
}

}  // namespace dioh::exec
