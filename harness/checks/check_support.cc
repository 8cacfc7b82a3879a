#include "harness/checks/check_support.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <map>

namespace dioh::checks {

using diofs::OpKind;

bool IsTransfer(const LogRecord& r) { return r.kind == OpKind::kRead || r.kind == OpKind::kWrite; }
bool IsOpen(const LogRecord& r) { return r.kind == OpKind::kOpen || r.kind == OpKind::kCreate; }
bool HasODirect(const LogRecord& r) { return (r.flags & O_DIRECT) != 0; }

bool IsEngineRecord(const CheckInput& input, const LogRecord& r) {
  return input.save_groups.count(GroupOf(r)) != 0 || input.load_groups.count(GroupOf(r)) != 0;
}

void ForEachSideRecord(const CheckInput& input, Side side, const RecordSource::Visitor& visit) {
  const std::set<std::uint32_t>& groups = side == Side::kSave ? input.save_groups : input.load_groups;
  input.records.ForEach([&](const LogRecord& r) {
    if (r.path != input.file_path || groups.count(GroupOf(r)) == 0) return true;
    return visit(r);
  });
}

void ForEachEngineRecord(const CheckInput& input, const RecordSource::Visitor& visit) {
  input.records.ForEach([&](const LogRecord& r) {
    if (r.path != input.file_path || !IsEngineRecord(input, r)) return true;
    return visit(r);
  });
}

std::optional<MainHandle> FindMainHandle(const CheckInput& input, Side side) {
  if (input.main_handles != nullptr) return side == Side::kSave ? input.main_handles->save : input.main_handles->load;
  const MainHandles found = FindMainHandles(input);
  return side == Side::kSave ? found.save : found.load;
}

bool IsChannelRecord(const LogRecord& r, const std::optional<MainHandle>& main) {
  return !main || r.fh != main->fh;
}

Result<mrm::format::ParsedStream> ParseInputFile(const CheckInput& input) {
  if (input.parsed != nullptr) return *input.parsed;
  return ParseProducedFile(input);
}
}  // namespace dioh::checks

namespace dioh {
namespace {

using checks::GroupOf;
using checks::IsOpen;
using diofs::OpKind;
using diofs::oplog::LogRecord;

// What one pass gathers about one side's handles: few (the main channel and
// the multifd channels), so the table stays small however long the log.
struct SideHandles {
  std::optional<std::uint64_t> header_fh;      // the first transfer covering the stream header
  std::optional<std::uint64_t> first_open_fh;  // the first successful open
  std::map<std::uint64_t, LogRecord> opens;    // each handle's first successful open

  void Observe(const LogRecord& r, OpKind header_kind, std::uint64_t header) {
    if (!header_fh && r.kind == header_kind && r.fh != 0 && r.offset <= header && header < r.offset + r.length) {
      header_fh = r.fh;
    }
    if (IsOpen(r) && r.result >= 0) {
      if (!first_open_fh) first_open_fh = r.fh;
      opens.try_emplace(r.fh, r);
    }
  }
  std::optional<MainHandle> Main() const {
    const std::optional<std::uint64_t> fh = header_fh ? header_fh : first_open_fh;
    if (!fh) return std::nullopt;
    MainHandle main{*fh, std::nullopt};
    if (const auto it = opens.find(*fh); it != opens.end()) main.open = it->second;
    return main;
  }
};

}  // namespace

MainHandles FindMainHandles(const CheckInput& input) {
  SideHandles save, load;
  const std::uint64_t header = input.facts.uri_offset;
  input.records.ForEach([&](const LogRecord& r) {
    if (r.path != input.file_path) return true;
    if (input.save_groups.count(GroupOf(r)) != 0) save.Observe(r, OpKind::kWrite, header);
    if (input.load_groups.count(GroupOf(r)) != 0) load.Observe(r, OpKind::kRead, header);
    return true;
  });
  return MainHandles{save.Main(), load.Main()};
}

Result<mrm::format::ParsedStream> ParseProducedFile(const CheckInput& input) {
  if (input.file == nullptr) return Status::Error(ENOENT, "no file: the save created none");
  return mrm::format::ParseMigrationFile(*input.file, input.facts.uri_offset);
}
}  // namespace dioh

namespace dioh::checks {

std::vector<PagesRegion> PagesRegions(const mrm::format::ParsedStream& stream) {
  std::vector<PagesRegion> regions;
  for (const mrm::format::RamBlockRecord& b : stream.ram_blocks) {
    const std::uint64_t begin = b.header.pages_offset;
    regions.push_back({b.idstr, begin, begin + b.pages * b.header.page_size, b.header.page_size});
  }
  return regions;
}

const PagesRegion* RegionHolding(const std::vector<PagesRegion>& regions, std::uint64_t offset,
                                 std::uint64_t length) {
  for (const PagesRegion& region : regions) {
    if (offset >= region.begin && offset < region.end && length <= region.end - offset) return &region;
  }
  return nullptr;
}

std::string Hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

std::string DescribeOp(const LogRecord& r) {
  const char* kind = r.kind == OpKind::kWrite ? "write" : r.kind == OpKind::kRead ? "read" : IsOpen(r) ? "open" : "op";
  std::string text = std::string(kind) + " seq " + std::to_string(r.seq) + " tid " + std::to_string(r.tid);
  if (IsTransfer(r)) text += " offset " + Hex(r.offset) + " length " + std::to_string(r.length);
  return text;
}

bool BitmapBitSet(const std::vector<std::uint8_t>& bitmap, std::uint64_t page) {
  const std::uint64_t byte = page / 8;
  return byte < bitmap.size() && (bitmap[byte] >> (page % 8) & 1u) != 0;
}

CheckResult Passed(std::string name, std::string detail) { return {std::move(name), CheckStatus::kPass, std::move(detail)}; }
CheckResult Failed(std::string name, std::string detail) { return {std::move(name), CheckStatus::kFail, std::move(detail)}; }
CheckResult Skipped(std::string name, std::string detail) { return {std::move(name), CheckStatus::kSkip, std::move(detail)}; }

bool ChecksAlignment(const diofs::Profile& profile) {
  return profile.dio_align.enforced() || profile.mem_align.enforced();
}

std::string SaveDidNotComplete(const CheckInput& input) {
  return "the save did not complete (" + std::string(MigrationEndName(input.save.end)) + ")";
}

}  // namespace dioh::checks
