// Readable text forms for people: one line per record (`log dump` without
// --json) with a column heading, and the `log stats` report.
#pragma once

#include <cstdint>
#include <string>

#include "fs/oplog/log_format.h"
#include "fs/oplog/log_stats.h"

namespace dioharness::logtool {

std::string RecordTableHeading();
// Open flags as open(2) spells them: "O_WRONLY|O_CREAT|O_TRUNC|O_DIRECT";
// bits without a name stay as hex ("O_RDONLY|0x10000000").
std::string OpenFlagsText(std::uint32_t flags);
// Times are printed in milliseconds since `start_monotonic_ns` (the log's start).
std::string RecordTableLine(const diofs::oplog::LogRecord& record, std::uint64_t start_monotonic_ns);
std::string StatsText(const diofs::oplog::LogHeader& header, const diofs::oplog::LogStats& stats);

}  // namespace dioharness::logtool
