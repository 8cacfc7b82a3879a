// page-io-in-regions, file-parses, file-size-bounded: the produced file's
// layout (ram.c:mapped_ram_setup_ramblock) against the writes that built it.
#include <algorithm>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"
#include "migration/format/stream_constants.h"

namespace dioh::checks {
namespace {

using diofs::OpKind;

// MAPPED_RAM_FILE_OFFSET_ALIGNMENT (migration/ram.c): pages regions start on
// 1 MiB boundaries of the file, offset= included.
constexpr std::uint64_t kRegionAlignment = mrm::format::kMappedRamFileOffsetAlignment;
// MULTIFD_PACKET_SIZE (migration/multifd.h): 128 pages of 4 KiB per batch.
constexpr std::uint64_t kMaxChannelWrite = mrm::format::kMultifdPacketSize;
// What may follow the last pages region in a single-pass save: EOS and
// footers, PART/END sections (18 bytes per pass), the switchover command,
// the device state (a q35 guest's is tens of KiB) and the JSON description.
constexpr std::uint64_t kTailSlack = 4u << 20;

std::string WriteProblem(const LogRecord& r, const std::vector<PagesRegion>& regions) {
  const PagesRegion* region = nullptr;
  for (const PagesRegion& candidate : regions) {
    if (r.offset >= candidate.begin && r.offset < candidate.end) region = &candidate;
  }
  if (region == nullptr) return DescribeOp(r) + ": outside every pages region";
  const std::string where = " in " + region->idstr + " pages (pages_offset " + Hex(region->begin) + ")";
  if ((r.offset - region->begin) % region->page_size != 0) {
    return DescribeOp(r) + ": not at a page boundary" + where;
  }
  if (r.length % region->page_size != 0) {
    return DescribeOp(r) + ": length not a multiple of the page size " + std::to_string(region->page_size) + where;
  }
  if (r.length > region->end - r.offset) return DescribeOp(r) + ": runs past the end of the region" + where;
  if (r.length > kMaxChannelWrite) {
    return DescribeOp(r) + ": more than 512 KiB in one write (MULTIFD_PACKET_SIZE)" + where;
  }
  return "";
}

// Where the stream ends: after the JSON description, else after EOF.
std::uint64_t StreamEnd(const mrm::format::ParsedStream& stream) {
  if (stream.vmdesc_offset != 0) return stream.vmdesc_offset + 1 + 4 + stream.vmdesc_json.size();
  return stream.eof_offset + 1;
}

}  // namespace

CheckResult CheckPageIoInRegions(const CheckInput& input) {
  const char* name = "page-io-in-regions";
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no layout to check against: " + stream.status().message());
  for (const mrm::format::RamBlockRecord& b : stream->ram_blocks) {
    if (b.header.pages_offset % kRegionAlignment != 0) {
      return Failed(name, "block " + b.idstr + " pages_offset " + Hex(b.header.pages_offset) +
                              " is not 1 MiB aligned as an absolute file offset (offset= is " +
                              std::to_string(input.facts.uri_offset) + ")");
    }
  }
  if (!input.records.present()) return Passed(name, "pages regions 1 MiB aligned; no op log to check writes");
  const std::vector<PagesRegion> regions = PagesRegions(*stream);
  const std::optional<MainHandle> main = FindMainHandle(input, Side::kSave);
  std::uint64_t writes = 0;
  std::string problem;
  ForEachSideRecord(input, Side::kSave, [&](const LogRecord& r) {
    if (r.kind != OpKind::kWrite || !IsChannelRecord(r, main)) return true;
    problem = WriteProblem(r, regions);
    ++writes;
    return problem.empty();
  });
  if (!problem.empty()) return Failed(name, problem);
  return Passed(name, std::to_string(writes) + " channel writes inside " + std::to_string(regions.size()) +
                          " pages regions, page granular, at most 512 KiB; regions 1 MiB aligned");
}

CheckResult CheckFileParses(const CheckInput& input) {
  const char* name = "file-parses";
  if (!input.save.completed()) return Skipped(name, SaveDidNotComplete(input));
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Failed(name, "the save completed but the file does not parse: " + stream.status().message());
  std::uint64_t data_pages = 0;
  for (const mrm::format::RamBlockRecord& b : stream->ram_blocks) data_pages += b.data_pages;
  return Passed(name, std::to_string(stream->ram_blocks.size()) + " RAM blocks, " + std::to_string(data_pages) +
                          " data pages, " + std::to_string(stream->device_sections) + " device sections");
}

CheckResult CheckFileSizeBounded(const CheckInput& input) {
  const char* name = "file-size-bounded";
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no layout to bound the size: " + stream.status().message());
  // The bound comes from the block headers (what one pass over this RAM
  // needs), never from the writes, so rewriting pages in later passes cannot
  // raise it.
  std::uint64_t regions_end = input.facts.uri_offset;
  for (const PagesRegion& region : PagesRegions(*stream)) regions_end = std::max(regions_end, region.end);
  const std::uint64_t stream_end = StreamEnd(*stream);
  const std::uint64_t bound = regions_end + kTailSlack;
  std::string beyond;
  ForEachSideRecord(input, Side::kSave, [&](const LogRecord& r) {
    if (r.kind == OpKind::kWrite && r.result > 0 && r.offset + static_cast<std::uint64_t>(r.result) > stream_end) {
      beyond = DescribeOp(r) + ": ends at " + Hex(r.offset + static_cast<std::uint64_t>(r.result)) +
               ", beyond the stream's end " + Hex(stream_end);
    }
    return beyond.empty();
  });
  if (!beyond.empty()) return Failed(name, beyond);
  const std::uint64_t size = input.file->size();
  if (size > bound || stream_end > bound) {
    return Failed(name, "file is " + std::to_string(size) + " bytes, stream ends at " + Hex(stream_end) +
                            ": more than a single pass needs (last pages region ends at " + Hex(regions_end) +
                            ", + 4 MiB for device state and EOF)");
  }
  return Passed(name, "file is " + std::to_string(size) + " bytes <= " + std::to_string(bound) +
                          " (last pages region ends at " + Hex(regions_end) + ", + 4 MiB tail)");
}

}  // namespace dioh::checks
