// prefix-intact, short-writes-noticed, expected-outcome: what the run ended
// in, against what it had to keep and to report.
#include <fcntl.h>

#include <algorithm>

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
std::string FaultBehind(const std::vector<const LogRecord*>& records, const LogRecord& op) {
  std::string text;
  for (const LogRecord* r : records) {
    if (r->seq >= op.seq) break;
    if (r->kind == OpKind::kFault && r->tid == op.tid && r->offset == op.offset &&
        r->aux == static_cast<std::uint32_t>(op.kind)) {
      text = " (fault " + r->text + ")";
    }
  }
  return text;
}

// A short transfer is noticed when the same handle carries on where it
// stopped (QEMUFile and qio_channel_writev_full_all loop until done); else the
// engine must not report success.
// `end_of_file`: a read that stops there met EOF (the main channel reads the
// stream's tail through a buffer larger than what is left); that is no short read.
const LogRecord* UnnoticedShort(const std::vector<const LogRecord*>& records, OpKind kind,
                                std::uint64_t end_of_file = UINT64_MAX) {
  for (size_t i = 0; i < records.size(); ++i) {
    const LogRecord& r = *records[i];
    if (r.kind != kind || r.result < 0 || static_cast<std::uint64_t>(r.result) >= r.length) continue;
    const std::uint64_t resume = r.offset + static_cast<std::uint64_t>(r.result);
    if (kind == OpKind::kRead && resume >= end_of_file) continue;
    const bool resumed = std::any_of(records.begin() + static_cast<std::ptrdiff_t>(i) + 1, records.end(),
                                     [&](const LogRecord* later) {
                                       return later->kind == kind && later->fh == r.fh && later->offset == resume;
                                     });
    if (!resumed) return &r;
  }
  return nullptr;
}

}  // namespace

CheckResult CheckPrefixIntact(const CheckInput& input) {
  const char* name = "prefix-intact";
  if (input.facts.uri_offset == 0) return Skipped(name, "no offset=: nothing precedes the stream");
  if (input.file == nullptr) return Skipped(name, "no file: the save created none");
  if (input.prefix.empty()) return Skipped(name, "the harness recorded no prefix bytes");
  std::string truncated;
  for (const LogRecord* r : SideRecords(input, Side::kSave)) {
    if (IsOpen(*r) && (r->flags & O_TRUNC) != 0) {
      truncated = " (" + DescribeOp(*r) + " had O_TRUNC)";
      break;
    }
  }
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
  if (input.records == nullptr) return Skipped(name, "no op log");
  const std::vector<const LogRecord*> save = SideRecords(input, Side::kSave);
  if (const LogRecord* w = UnnoticedShort(save, OpKind::kWrite); w != nullptr && input.save.completed()) {
    return Failed(name, "short write at offset " + Hex(w->offset) + ": " + std::to_string(w->result) + " of " +
                            std::to_string(w->length) + " bytes, yet the save completed (" + DescribeOp(*w) + ")" +
                            FaultBehind(save, *w));
  }
  const std::vector<const LogRecord*> load = SideRecords(input, Side::kLoad);
  const LogRecord* rd = UnnoticedShort(load, OpKind::kRead, input.file != nullptr ? input.file->size() : UINT64_MAX);
  if (rd != nullptr && input.load && input.load->completed()) {
    return Failed(name, "short read at offset " + Hex(rd->offset) + ": " + std::to_string(rd->result) + " of " +
                            std::to_string(rd->length) + " bytes, yet the load completed (" + DescribeOp(*rd) + ")" +
                            FaultBehind(load, *rd));
  }
  std::uint64_t shorts = 0;
  const std::uint64_t end_of_file = input.file != nullptr ? input.file->size() : UINT64_MAX;
  for (const std::vector<const LogRecord*>* side : {&save, &load}) {
    for (const LogRecord* r : *side) {
      const bool short_transfer = IsTransfer(*r) && r->result >= 0 && static_cast<std::uint64_t>(r->result) < r->length;
      const bool met_eof = r->kind == OpKind::kRead && r->offset + static_cast<std::uint64_t>(r->result) >= end_of_file;
      shorts += short_transfer && !met_eof ? 1 : 0;
    }
  }
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
