// odirect-aligned, buffers-aligned, odirect-iff-direct-io,
// main-channel-buffered: how the engines used O_DIRECT, read from the op log
// (and, for the last, the layout).
#include <nlohmann/json.hpp>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"

namespace dioh::checks {
namespace {

using diofs::OpKind;
using diofs::Rule;
using diofs::Verdict;

// What diofs itself can judge: offsets and lengths. Buffer addresses are
// libdiocheck's (buffers-aligned).
bool IsOffsetOrLengthRule(Rule rule) { return rule == Rule::kOffsetAlign || rule == Rule::kLengthAlign; }

// A libdiocheck report (one JSON line, fs/diocheck/violation.h) in words.
std::string DescribeViolation(const LogRecord& r) {
  std::string text = "libdiocheck report seq " + std::to_string(r.seq) + " tid " + std::to_string(r.tid) + ": ";
  const auto report = nlohmann::json::parse(r.text, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object()) return text + r.text;
  const std::string call = report.value("call", "?");
  const std::string address = report.value("address", "?");
  const std::uint64_t length = report.value("length", std::uint64_t{0});
  const std::uint64_t align = report.value("mem_align", std::uint64_t{0});
  return text + call + " buffer " + address + " (segment length " + std::to_string(length) +
         ") not aligned to " + std::to_string(align) + " in memory";
}

std::string RuleText(Rule rule, std::uint64_t align) {
  switch (rule) {
    case Rule::kOffsetAlign: return "offset not a multiple of " + std::to_string(align);
    case Rule::kLengthAlign: return "length not a multiple of " + std::to_string(align);
    default: return "rule broken";
  }
}

// Why `r` (an engine record) breaks the offset and length rules, or "".
std::string AlignmentProblem(const CheckInput& input, const LogRecord& r, diofs::Alignment align) {
  if (r.path != input.file_path) return "";
  if (IsTransfer(r) && HasODirect(r) && align.enforced()) {
    const std::string multiple = " not a multiple of " + std::to_string(align.bytes());
    if (!align.Aligns(r.offset)) return DescribeOp(r) + ": offset" + multiple;
    if (!align.Aligns(r.length)) return DescribeOp(r) + ": length" + multiple;
  }
  if (r.verdict != Verdict::kPass && IsOffsetOrLengthRule(r.rule)) {
    return DescribeOp(r) + ": " + RuleText(r.rule, align.bytes()) + " (diofs " +
           (r.verdict == Verdict::kRejected ? "rejected it" : "recorded it") + ")";
  }
  return "";
}

}  // namespace

CheckResult CheckODirectAligned(const CheckInput& input) {
  const char* name = "odirect-aligned";
  if (!input.records.present()) return Skipped(name, "no op log");
  const diofs::Alignment align = input.profile.dio_align;
  if (!align.enforced()) return Skipped(name, "profile " + input.profile.name + " has no offset or length alignment");
  std::uint64_t direct_transfers = 0;
  std::uint64_t rejected = 0;
  std::string first_rejected;
  std::string failure;
  input.records.ForEach([&](const LogRecord& r) {
    if (!IsEngineRecord(input, r)) return true;
    const std::string problem = AlignmentProblem(input, r, align);
    // Where the expected outcome is the profile refusing the engine's I/O
    // (4 KiB page writes on a 64 KiB disk), a misaligned transfer that diofs
    // refused with EINVAL is that expected failure; one that got through is not.
    const bool refused = IsTransfer(r) && r.verdict == Verdict::kRejected && r.result < 0;
    const bool rejections_expected = input.expected && input.expected->rejected_io;
    if (!problem.empty() && rejections_expected && refused) {
      if (rejected++ == 0) first_rejected = problem;
      return true;
    }
    if (!problem.empty()) {
      failure = problem;
      return false;
    }
    if (r.path == input.file_path && IsTransfer(r) && HasODirect(r)) ++direct_transfers;
    return true;
  });
  if (!failure.empty()) return Failed(name, failure);
  if (rejected > 0) {
    return Passed(name, std::to_string(rejected) + " misaligned O_DIRECT transfers refused by the profile, as expected; first: " +
                            first_rejected);
  }
  if (direct_transfers == 0) {  // a buffered save, or an engine that died first: nothing was compared
    return Skipped(name, "the engines made no O_DIRECT transfer on " + input.file_path + ": no offset or length to judge");
  }
  return Passed(name, std::to_string(direct_transfers) + " O_DIRECT transfers, offsets and lengths multiples of " +
                          std::to_string(align.bytes()));
}

CheckResult CheckBuffersAligned(const CheckInput& input) {
  const char* name = "buffers-aligned";
  if (!input.records.present()) return Skipped(name, "no op log");
  // A report is evidence whatever else is known: libdiocheck saw it happen.
  std::uint64_t reports = 0;
  std::optional<LogRecord> first;
  std::uint64_t direct_transfers = 0;
  input.records.ForEach([&](const LogRecord& r) {
    if (!IsEngineRecord(input, r)) return true;
    if (r.kind == OpKind::kViolation) {
      if (reports++ == 0) first = r;
    } else if (r.path == input.file_path && IsTransfer(r) && HasODirect(r)) {
      ++direct_transfers;
    }
    return true;
  });
  if (first) {
    return Failed(name, DescribeViolation(*first) + (reports > 1 ? " (" + std::to_string(reports) + " reports)" : ""));
  }
  // Without the library nothing looked at the buffers: that is no pass.
  if (!input.facts.diocheck_preloaded) {
    return Skipped(name, "libdiocheck not loaded (no \"preload\": true, or libdiocheck.so not found): buffer addresses not "
                         "checked");
  }
  if (!input.profile.mem_align.enforced()) {
    return Skipped(name, "profile " + input.profile.name + " has no buffer alignment: libdiocheck checks nothing there");
  }
  if (direct_transfers == 0) {
    return Skipped(name, "libdiocheck loaded, but the engines made no O_DIRECT transfer on " + input.file_path +
                             " for it to see");
  }
  return Passed(name, "libdiocheck saw " + std::to_string(direct_transfers) + " O_DIRECT transfers: no buffer address or " +
                          "length off the " + std::to_string(input.profile.mem_align.bytes()) + "-byte memory alignment");
}

CheckResult CheckODirectIffDirectIo(const CheckInput& input) {
  const char* name = "odirect-iff-direct-io";
  if (!input.records.present()) return Skipped(name, "no op log");
  const MigrationFacts& facts = input.facts;
  if (!facts.direct_io_effective) {
    std::string direct_op;
    ForEachEngineRecord(input, [&](const LogRecord& r) {
      if ((IsOpen(r) || IsTransfer(r)) && HasODirect(r)) direct_op = DescribeOp(r);
      return direct_op.empty();
    });
    if (!direct_op.empty()) {
      const std::string why = facts.direct_io_requested ? "direct-io not effective (" + facts.direct_io_not_effective + ")"
                                                        : "direct-io off";
      return Failed(name, why + ", yet " + direct_op + " used O_DIRECT");
    }
    if (facts.direct_io_requested) return Passed(name, "direct-io not effective: " + facts.direct_io_not_effective);
    return Passed(name, "direct-io off and no O_DIRECT open or transfer");
  }
  // Effective: every page transfer of a channel handle must carry O_DIRECT.
  // Opens are not judged: after an O_DIRECT open fails with EINVAL the engine
  // re-opens without it only to word its error (QEMU's message), moving no data.
  std::uint64_t transfers = 0;
  std::string fallback;
  for (Side side : {Side::kSave, Side::kLoad}) {
    const std::optional<MainHandle> main = FindMainHandle(input, side);
    ForEachSideRecord(input, side, [&](const LogRecord& r) {
      if (!IsTransfer(r) || !IsChannelRecord(r, main)) return true;
      if (!HasODirect(r)) {
        fallback = "silent buffered fallback: " + DescribeOp(r) + " by channel handle " + std::to_string(r.fh) +
                   " without O_DIRECT while direct-io is effective";
        return false;
      }
      ++transfers;
      return true;
    });
    if (!fallback.empty()) return Failed(name, fallback);
  }
  if (transfers == 0) {
    // What this still shows: the engine did not go on without O_DIRECT.
    return Passed(name, "direct-io effective: no channel moved data, and none fell back to buffered I/O");
  }
  return Passed(name, "direct-io effective: " + std::to_string(transfers) + " channel transfers, all O_DIRECT");
}

CheckResult CheckMainChannelBuffered(const CheckInput& input) {
  const char* name = "main-channel-buffered";
  if (!input.records.present()) return Skipped(name, "no op log");
  std::string opened;
  for (Side side : {Side::kSave, Side::kLoad}) {
    const std::optional<MainHandle> main = FindMainHandle(input, side);
    if (!main) continue;
    const char* side_name = side == Side::kSave ? "save" : "load";
    if (main->open && HasODirect(*main->open)) {
      return Failed(name, std::string(side_name) + " main channel opened with O_DIRECT: " + DescribeOp(*main->open) +
                              " (handle " + std::to_string(main->fh) + ")");
    }
    std::string direct_op;
    ForEachSideRecord(input, side, [&](const LogRecord& r) {
      if (r.fh == main->fh && IsTransfer(r) && HasODirect(r)) direct_op = DescribeOp(r);
      return direct_op.empty();
    });
    if (!direct_op.empty()) {
      return Failed(name, std::string(side_name) + " main channel transfer with O_DIRECT: " + direct_op);
    }
    opened += opened.empty() ? "" : ", ";
    opened += std::string(side_name) + " handle " + std::to_string(main->fh);
  }
  if (opened.empty()) return Skipped(name, "no engine opened " + input.file_path);
  // Headers, bitmaps and device state belong to the main channel: an O_DIRECT
  // write outside every pages region is main-channel data sent the wrong way.
  auto stream = ParseInputFile(input);
  if (!stream.ok()) {
    return Passed(name, "main channel buffered (" + opened + "); regions not checked: " + stream.status().message());
  }
  const std::vector<PagesRegion> regions = PagesRegions(*stream);
  std::string outside;
  ForEachSideRecord(input, Side::kSave, [&](const LogRecord& r) {
    if (r.kind == OpKind::kWrite && HasODirect(r) && RegionHolding(regions, r.offset, r.length) == nullptr) {
      outside = DescribeOp(r);
    }
    return outside.empty();
  });
  if (!outside.empty()) {
    return Failed(name, "main-channel data through O_DIRECT: " + outside + " lies outside every pages region");
  }
  return Passed(name, "main channel buffered (" + opened + "); every O_DIRECT write inside a pages region");
}

}  // namespace dioh::checks
