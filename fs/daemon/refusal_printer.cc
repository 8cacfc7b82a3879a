#include "fs/daemon/refusal_printer.h"

#include <fcntl.h>

#include <nlohmann/json.hpp>

#include "common/text/json_nesting.h"
#include "fs/core/op_names.h"

namespace diofs {
namespace {

std::string Thread(const OpEvent& event) {
  return "thread " + std::to_string(event.tid) + " of process " + std::to_string(event.pid);
}

// What the broken rule asks for, in the profile's words.
std::string Wanted(Rule rule, const Profile& profile) {
  switch (rule) {
    case Rule::kOffsetAlign:
    case Rule::kLengthAlign:
      return profile.name + " wants offsets and lengths in multiples of " + std::to_string(profile.dio_align.bytes());
    case Rule::kODirectUnsupported:
      return profile.name + " refuses O_DIRECT at open";
    case Rule::kMemAlign:
      return profile.name + " wants buffers aligned to " + std::to_string(profile.mem_align.bytes());
    case Rule::kNone:
      break;
  }
  return profile.name;
}

// libdiocheck's report (fs/diocheck/DIOCHECK.md), read for the line.
std::string ViolationLine(const OpEvent& event, const Profile& profile, const char* verb) {
  const auto report = dioh::CheckJsonNesting(event.text).ok()
                          ? nlohmann::json::parse(event.text, nullptr, /*allow_exceptions=*/false)
                          : nlohmann::json();
  if (!report.is_object()) return std::string("diofs: libdiocheck ") + verb + " a call: " + std::string(event.text);
  // Whatever the report holds, never a throw: it comes from the caller's process.
  const auto text = [&](const char* name) {
    return report.contains(name) && report[name].is_string() ? report[name].get<std::string>() : std::string("?");
  };
  const auto number = [&](const char* name) {
    return report.contains(name) && report[name].is_number() ? report[name].dump() : std::string("?");
  };
  std::string line = std::string("diofs: libdiocheck ") + verb + " " + text("call") + " on " + text("path") +
                     ": buffer " + text("address") + ", " + number("length") + " bytes (" +
                     Wanted(Rule::kMemAlign, profile) + "), thread " + number("tid") + " of process " + number("pid");
  if (report.contains("call_site") && report["call_site"].is_array() && !report["call_site"].empty() &&
      report["call_site"][0].is_string()) {
    line += ", at " + report["call_site"][0].get<std::string>();
  }
  return line;
}

}  // namespace

std::string RefusalLine(const OpEvent& event, const Profile& profile) {
  if (event.verdict == Verdict::kPass) return "";
  const char* verb = event.verdict == Verdict::kRejected ? "refused" : "let through (record mode)";
  if (event.kind == OpKind::kViolation) return ViolationLine(event, profile, verb);
  std::string what;
  if (event.kind == OpKind::kRead || event.kind == OpKind::kWrite) {
    what = "O_DIRECT " + std::string(OpKindName(event.kind)) + " of " + std::to_string(event.length) +
           " bytes at offset " + std::to_string(event.offset) + (event.kind == OpKind::kWrite ? " to " : " from ");
  } else {
    what = std::string(OpKindName(event.kind)) + " with O_DIRECT of ";
  }
  return "diofs: " + std::string(verb) + " " + what + std::string(event.path) + ": " +
         std::string(RuleName(event.rule)) + " (" + Wanted(event.rule, profile) + "), " + Thread(event);
}

void RefusalPrinter::OnOp(const OpEvent& event) {
  if (event.verdict == Verdict::kPass) return;
  if (lines_ == Lines::kFirst && printed_.exchange(true)) return;
  std::string line = RefusalLine(event, profile_());
  line += lines_ == Lines::kFirst ? " (the first; diofs -v prints every one)\n" : "\n";
  // One fwrite per line: lines of concurrent FUSE workers stay whole.
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace diofs
