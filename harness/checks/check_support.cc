#include "harness/checks/check_support.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>

namespace dioh::checks {

using diofs::OpKind;

bool IsTransfer(const LogRecord& r) { return r.kind == OpKind::kRead || r.kind == OpKind::kWrite; }
bool IsOpen(const LogRecord& r) { return r.kind == OpKind::kOpen || r.kind == OpKind::kCreate; }
bool HasODirect(const LogRecord& r) { return (r.flags & O_DIRECT) != 0; }

bool IsEngineRecord(const CheckInput& input, const LogRecord& r) {
  return input.save_groups.count(GroupOf(r)) != 0 || input.load_groups.count(GroupOf(r)) != 0;
}

namespace {

std::vector<const LogRecord*> Select(const CheckInput& input, bool save, bool load) {
  std::vector<const LogRecord*> out;
  if (input.records == nullptr) return out;
  for (const LogRecord& r : *input.records) {
    if (r.path != input.file_path) continue;
    if ((save && input.save_groups.count(GroupOf(r)) != 0) || (load && input.load_groups.count(GroupOf(r)) != 0)) {
      out.push_back(&r);
    }
  }
  return out;
}

}  // namespace

std::vector<const LogRecord*> SideRecords(const CheckInput& input, Side side) {
  return Select(input, side == Side::kSave, side == Side::kLoad);
}

std::vector<const LogRecord*> EngineRecords(const CheckInput& input) { return Select(input, true, true); }

std::optional<MainHandle> FindMainHandle(const CheckInput& input, Side side) {
  const std::vector<const LogRecord*> records = SideRecords(input, side);
  const OpKind header_kind = side == Side::kSave ? OpKind::kWrite : OpKind::kRead;
  const std::uint64_t header = input.facts.uri_offset;
  std::optional<MainHandle> main;
  for (const LogRecord* r : records) {
    if (r->kind == header_kind && r->fh != 0 && r->offset <= header && header < r->offset + r->length) {
      main = MainHandle{r->fh, nullptr};
      break;
    }
  }
  if (!main) {
    for (const LogRecord* r : records) {
      if (IsOpen(*r) && r->result >= 0) {
        main = MainHandle{r->fh, nullptr};
        break;
      }
    }
  }
  if (!main) return std::nullopt;
  for (const LogRecord* r : records) {
    if (IsOpen(*r) && r->result >= 0 && r->fh == main->fh) {
      main->open = r;
      break;
    }
  }
  return main;
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
