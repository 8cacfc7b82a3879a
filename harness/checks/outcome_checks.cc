// prefix-intact, short-writes-noticed, expected-outcome: what the run ended
// in, against what it had to keep and to report.
#include <fcntl.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"

namespace dioh::checks {
namespace {

using diofs::OpKind;

std::string SideText(const char* side, const MigrationOutcome& outcome) {
  return std::string(side) + " " + std::string(MigrationEndName(outcome.end)) +
         (outcome.error_desc.empty() ? "" : ": " + outcome.error_desc);
}

// The storage simulation's fault record behind a short transfer, if any.
std::string FaultBehind(const CheckInput& input, Side side, const LogRecord& op) {
  std::string text;
  ForEachSideRecord(input, side, [&](const LogRecord& r) {
    if (r.seq >= op.seq) return false;
    if (r.kind == OpKind::kFault && r.tid == op.tid && r.offset == op.offset &&
        r.aux == static_cast<std::uint32_t>(op.kind)) {
      text = " (fault " + r.text + ")";
    }
    return true;
  });
  return text;
}

// A short transfer is noticed when the same handle carries on where it
// stopped (QEMUFile and qio_channel_writev_full_all loop until done); else the
// engine must not report success. One pass: each short transfer waits for a
// later one of its kind on its handle at the offset where it stopped; what
// still waits at the end went unnoticed. `end_of_file`: a read that stops
// there met EOF (the main channel reads the stream's tail through a buffer
// larger than what is left); that is no short read.
struct ShortTransfers {
  std::uint64_t count = 0;                   // the side's short transfers of both kinds, EOF reads aside
  std::optional<LogRecord> first_unnoticed;  // of `kind`
};
ShortTransfers FindShortTransfers(const CheckInput& input, Side side, OpKind kind, std::uint64_t end_of_file) {
  ShortTransfers found;
  std::multimap<std::pair<std::uint64_t, std::uint64_t>, LogRecord> waiting;  // (fh, resume offset)
  ForEachSideRecord(input, side, [&](const LogRecord& r) {
    if (!IsTransfer(r)) return true;
    if (r.kind == kind) waiting.erase({r.fh, r.offset});
    if (r.result < 0 || static_cast<std::uint64_t>(r.result) >= r.length) return true;
    const std::uint64_t resume = r.offset + static_cast<std::uint64_t>(r.result);
    if (r.kind == OpKind::kRead && resume >= end_of_file) return true;
    ++found.count;
    if (r.kind == kind) waiting.emplace(std::make_pair(r.fh, resume), r);
    return true;
  });
  for (const auto& [key, r] : waiting) {
    if (!found.first_unnoticed || r.seq < found.first_unnoticed->seq) found.first_unnoticed = r;
  }
  return found;
}

}  // namespace

CheckResult CheckPrefixIntact(const CheckInput& input) {
  const char* name = "prefix-intact";
  if (input.facts.uri_offset == 0) return Skipped(name, "no offset=: nothing precedes the stream");
  if (input.file == nullptr) return Skipped(name, "no file: the save created none");
  if (input.prefix.empty()) return Skipped(name, "the harness recorded no prefix bytes");
  std::string truncated;
  ForEachSideRecord(input, Side::kSave, [&](const LogRecord& r) {
    if (IsOpen(r) && (r.flags & O_TRUNC) != 0) truncated = " (" + DescribeOp(r) + " had O_TRUNC)";
    return truncated.empty();
  });
  const std::uint64_t size = input.file->size();
  if (size < input.prefix.size()) {
    return Failed(name, "file is " + std::to_string(size) + " bytes: the " + std::to_string(input.prefix.size()) +
                            " bytes before offset= are cut" + truncated);
  }
  std::vector<std::uint8_t> bytes(input.prefix.size());
  Status read = input.file->ReadAt(0, bytes);
  if (!read.ok()) return Failed(name, "cannot read the prefix: " + read.message());
  const auto diff = std::mismatch(bytes.begin(), bytes.end(), input.prefix.begin());
  if (diff.first != bytes.end()) {
    const auto at = static_cast<std::uint64_t>(diff.first - bytes.begin());
    return Failed(name, "byte " + Hex(at) + " before offset= is " + Hex(*diff.first) + ", was " + Hex(*diff.second) +
                            truncated);
  }
  return Passed(name, std::to_string(input.prefix.size()) + " bytes before offset= intact");
}

CheckResult CheckShortWritesNoticed(const CheckInput& input) {
  const char* name = "short-writes-noticed";
  if (!input.records.present()) return Skipped(name, "no op log");
  const std::uint64_t end_of_file = input.file != nullptr ? input.file->size() : UINT64_MAX;
  const ShortTransfers writes = FindShortTransfers(input, Side::kSave, OpKind::kWrite, end_of_file);
  if (const auto& w = writes.first_unnoticed; w && input.save.completed()) {
    return Failed(name, "short write at offset " + Hex(w->offset) + ": " + std::to_string(w->result) + " of " +
                            std::to_string(w->length) + " bytes, yet the save completed (" + DescribeOp(*w) + ")" +
                            FaultBehind(input, Side::kSave, *w));
  }
  const ShortTransfers reads = FindShortTransfers(input, Side::kLoad, OpKind::kRead, end_of_file);
  if (const auto& rd = reads.first_unnoticed; rd && input.load && input.load->completed()) {
    return Failed(name, "short read at offset " + Hex(rd->offset) + ": " + std::to_string(rd->result) + " of " +
                            std::to_string(rd->length) + " bytes, yet the load completed (" + DescribeOp(*rd) + ")" +
                            FaultBehind(input, Side::kLoad, *rd));
  }
  const std::uint64_t shorts = writes.count + reads.count;
  if (shorts == 0) return Passed(name, "no short transfer");
  return Passed(name, std::to_string(shorts) + " short transfers, each resumed or failing its side");
}

CheckResult CheckExpectedOutcome(const CheckInput& input) {
  const char* name = "expected-outcome";
  if (!input.expected) return Skipped(name, "no expected outcome given");
  const ExpectedOutcome& expected = *input.expected;
  std::string actual = SideText("save", input.save);
  if (input.load) actual += "; " + SideText("load", *input.load);
  if (expected.status == ExpectedOutcome::Status::kCompleted) {
    const bool load_completed = !input.load || input.load->completed();
    if (input.save.completed() && load_completed) return Passed(name, actual);
    return Failed(name, "expected completed; " + actual);
  }
  // "*" in the expected message stands for what varies between runs (the
  // channel that failed first); everything else must match exactly. The
  // failure may come from the save, or from a load of what the save completed.
  if (expected.Matches(input.save, input.migration_file)) return Passed(name, actual);
  if (input.save.completed() && input.load && expected.Matches(*input.load, input.migration_file)) {
    return Passed(name, actual);
  }
  return Failed(name, "expected " + expected.ToString(input.migration_file) + "; " + actual);
}

}  // namespace dioh::checks
