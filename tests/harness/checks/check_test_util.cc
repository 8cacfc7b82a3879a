#include "tests/harness/checks/check_test_util.h"

#include <algorithm>

#include "migration/engine/engine_config.h"

namespace dioh::checks::testing {

namespace {

using mrm::channel::FakeOp;

void AppendOps(const std::vector<FakeOp>& ops, std::uint32_t pid, const mrm::channel::FakeOptions& options,
               bool preload, std::vector<LogRecord>& out) {
  std::vector<int> main_ids;
  for (const FakeOp& op : ops) {
    if (op.kind == FakeOp::kOpen && main_ids.empty() && op.error == 0) main_ids.push_back(op.file_id);
  }
  for (const FakeOp& op : ops) {
    LogRecord r;
    r.pid = pid;
    const bool main = !main_ids.empty() && op.file_id == main_ids[0];
    r.tid = main ? pid : 1000 + static_cast<std::uint32_t>(op.file_id);
    r.fh = static_cast<std::uint64_t>(op.file_id);
    r.path = kFile;
    r.flags = static_cast<std::uint32_t>(op.flags);
    r.offset = op.offset;
    r.length = op.length;
    const bool transfer = op.kind == FakeOp::kWrite || op.kind == FakeOp::kRead;
    if (preload && transfer && op.direct() && !op.buffers_aligned) {
      // libdiocheck fails the call before it reaches the file system, and reports it.
      r.kind = OpKind::kViolation;
      r.path = "/.diofs/violation";
      r.rule = diofs::Rule::kMemAlign;
      r.verdict = diofs::Verdict::kRejected;
      r.text = R"({"diocheck":"mem_align","call":"pwritev","address":"0x7f0000000008","length":4096,"mem_align":4096})";
      out.push_back(r);
      continue;
    }
    switch (op.kind) {
      case FakeOp::kOpen: r.kind = (op.flags & O_CREAT) ? OpKind::kCreate : OpKind::kOpen; break;
      case FakeOp::kWrite: r.kind = OpKind::kWrite; break;
      case FakeOp::kRead: r.kind = OpKind::kRead; break;
      case FakeOp::kTruncate: r.kind = OpKind::kTruncate; r.offset = op.length; r.length = 0; break;
      case FakeOp::kSync: r.kind = OpKind::kFsync; break;
      case FakeOp::kClose: r.kind = OpKind::kRelease; break;
    }
    if (op.error != 0) {
      r.result = -op.error;
    } else if (op.kind == FakeOp::kWrite) {
      const std::uint64_t limit = options.short_write_limit ? options.short_write_limit : op.length;
      r.result = static_cast<std::int64_t>(std::min(op.length, limit));
    } else if (transfer) {
      r.result = static_cast<std::int64_t>(op.length);
    }
    const std::uint64_t align = options.direct_alignment;
    if (transfer && op.direct() && (op.offset % align != 0 || op.length % align != 0)) {
      r.rule = op.offset % options.direct_alignment != 0 ? diofs::Rule::kOffsetAlign : diofs::Rule::kLengthAlign;
      r.verdict = diofs::Verdict::kRejected;
    }
    out.push_back(r);
  }
}

}  // namespace

MigrationOutcome OutcomeOf(const mrm::engine::MigrationStatus& status) {
  // Completed is the one good ending; failed, or an engine stopped mid-way,
  // ends the side as a failure, as no MIGRATION event would say otherwise.
  const bool completed = status.state == mrm::engine::MigrationState::kCompleted;
  return MigrationOutcome{completed ? MigrationEnd::kCompleted : MigrationEnd::kFailed, status.error_desc, 0};
}

void EngineRun::Run() {
  mrm::channel::FakeFileSystem fs(options);
  save.path = kFile;
  if (!prefix.empty()) fs.PutFile(kFile, prefix);
  auto ram = mrm::ram::HostRam::Allocate(blocks);
  ram->ApplyPass(save.content, 0);
  saved = mrm::engine::SaveMigration(fs, *ram, save);
  const std::vector<FakeOp> save_ops = fs.Ops();
  AppendOps(save_ops, kSavePid, options, preload, records);
  if (load && saved.state == mrm::engine::MigrationState::kCompleted) {
    const mrm::engine::LoadConfig l = mrm::engine::testing::LoadFor(save);
    auto dest = mrm::ram::HostRam::Allocate(blocks);
    loaded = mrm::engine::LoadMigration(fs, *dest, l);
    std::vector<FakeOp> all = fs.Ops();
    AppendOps(std::vector<FakeOp>(all.begin() + static_cast<std::ptrdiff_t>(save_ops.size()), all.end()), kLoadPid,
              options, preload, records);
  }
  for (size_t i = 0; i < records.size(); ++i) records[i].seq = i + 1;
  bytes = fs.Contents(kFile);
  file = std::make_unique<mrm::format::MemoryByteSource>(bytes);
}

CheckInput EngineRun::Input() const {
  CheckInput in;
  in.records = RecordSource(&records);
  in.file_path = kFile;
  in.save_groups = {kSavePid};
  if (load) in.load_groups = {kLoadPid};
  in.facts.mapped_ram = true;
  in.facts.multifd = save.multifd;
  in.facts.direct_io_requested = save.direct_io.requested();
  in.facts.direct_io_effective = save.direct_io.effective();
  in.facts.direct_io_not_effective = std::string(save.direct_io.reason());
  in.facts.channels = save.channels;
  in.facts.uri_offset = save.offset;
  for (const auto& b : blocks) in.facts.ram_bytes += b.used_length;
  in.facts.passes = save.passes;
  in.facts.diocheck_preloaded = preload;
  in.profile = Strict4k();
  in.file = bytes.empty() ? nullptr : file.get();
  std::vector<std::pair<std::string, std::uint64_t>> known;
  for (const auto& b : blocks) known.emplace_back(b.idstr, b.used_length);
  expectation = std::make_unique<SeedRamExpectation>(save.content, known, save.passes);
  in.ram = expectation.get();
  in.prefix = prefix;
  in.expected = ExpectedOutcome{};
  in.save = OutcomeOf(saved);
  if (load && saved.state == mrm::engine::MigrationState::kCompleted) in.load = OutcomeOf(loaded);
  return in;
}

}  // namespace dioh::checks::testing
