// What several checks share: which log records belong to the engines and the
// migration file, which handle is the main channel, the parsed file, and the
// words of a detail line. Internal to harness_checks (the checks' sources and
// tests include it; the runner does not need it).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/checks/checks.h"
#include "migration/format/stream_parser.h"

namespace dioh::checks {

using diofs::oplog::LogRecord;

enum class Side { kSave, kLoad };

// Record filters. "Engine" records are those of the save or load pids; the
// harness's own reads of the file (to copy it out) are never among them.
bool IsTransfer(const LogRecord& r);  // read or write
bool IsOpen(const LogRecord& r);      // open or create
bool HasODirect(const LogRecord& r);
// One pass over the records of `side`'s groups on input.file_path, in seq
// order, until `visit` returns false (nothing without a log).
void ForEachSideRecord(const CheckInput& input, Side side, const RecordSource::Visitor& visit);
// The same over both sides' records on the file.
void ForEachEngineRecord(const CheckInput& input, const RecordSource::Visitor& visit);
// Whether a record is one of the engines' (by its process group: see CheckInput).
bool IsEngineRecord(const CheckInput& input, const LogRecord& r);
// The group a record counts for: its pgid, or its pid in a version 1 log.
inline std::uint32_t GroupOf(const LogRecord& r) { return r.pgid != 0 ? r.pgid : r.pid; }

// The main channel's handle of one side (FindMainHandles; input.main_handles
// when set).
std::optional<MainHandle> FindMainHandle(const CheckInput& input, Side side);

// Channel handles: the side's handles on the file other than the main one.
// `main` may be absent (then every handle counts as a channel).
bool IsChannelRecord(const LogRecord& r, const std::optional<MainHandle>& main);

// The produced file, parsed from uri_offset. An error says why there is
// nothing to check: "no file: the save created none" or the parser's message.
Result<mrm::format::ParsedStream> ParseInputFile(const CheckInput& input);

// A page-region of one block in absolute file offsets.
struct PagesRegion {
  std::string idstr;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t page_size = 0;
};
std::vector<PagesRegion> PagesRegions(const mrm::format::ParsedStream& stream);
// The region containing [offset, offset + length), or nullptr.
const PagesRegion* RegionHolding(const std::vector<PagesRegion>& regions, std::uint64_t offset,
                                 std::uint64_t length);

// "0x100200"
std::string Hex(std::uint64_t value);
// "write seq 812 tid 4711 offset 0x100200 length 4096"
std::string DescribeOp(const LogRecord& r);
bool BitmapBitSet(const std::vector<std::uint8_t>& bitmap, std::uint64_t page);

// Whether the profile has any alignment rule (false for tmpfs-like profiles).
bool ChecksAlignment(const diofs::Profile& profile);
// "the save did not complete (failed)": why a check that reads the file skips.
std::string SaveDidNotComplete(const CheckInput& input);

CheckResult Passed(std::string name, std::string detail);
CheckResult Failed(std::string name, std::string detail);
CheckResult Skipped(std::string name, std::string detail);

}  // namespace dioh::checks
