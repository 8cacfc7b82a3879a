// JSON forms of op-log records, headers and stats, as `dioharness log dump
// --json` (one record a line) and `log stats --json` print them. Field names
// follow fs/oplog/LOG_FORMAT.md; op, rule and verdict are names; data_hash is
// 16 hex digits; the payload itself is never printed.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "fs/oplog/log_format.h"
#include "fs/oplog/log_stats.h"

namespace dioharness::logtool {

nlohmann::ordered_json RecordToJson(const diofs::oplog::LogRecord& record);
nlohmann::json HeaderToJson(const diofs::oplog::LogHeader& header);
nlohmann::json StatsToJson(const diofs::oplog::LogStats& stats);

// "00000000deadbeef"
std::string HashHex(std::uint64_t hash);

}  // namespace dioharness::logtool
