// Readable text forms for people: one line per record (`log dump` without
// --json) with a column heading, and the `log stats` report.
#pragma once

#include <cstdint>
#include <string>

#include "fs/oplog/log_format.h"
#include "fs/oplog/log_stats.h"

namespace dioharness::logtool {

std::string RecordTableHeading();
// Times are printed in milliseconds since `start_monotonic_ns` (the log's start).
std::string RecordTableLine(const diofs::oplog::LogRecord& record, std::uint64_t start_monotonic_ns);
std::string StatsText(const diofs::oplog::LogHeader& header, const diofs::oplog::LogStats& stats);

}  // namespace dioharness::logtool
