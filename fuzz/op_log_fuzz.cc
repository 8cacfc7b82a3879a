// Op logs (dioharness log dump|stats|replay): any bytes decode to the good
// records before the damage, and a Status naming where it starts.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "fs/oplog/log_reader.h"
#include "fs/oplog/log_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto log = diofs::oplog::ParseLog(std::as_bytes(std::span(data, size)));
  if (!log.ok()) return 0;
  if (!log->damage.ok() && log->damage_offset > size) std::abort();
  const diofs::oplog::LogStats stats = diofs::oplog::ComputeStats(log->records);
  if (stats.records != log->records.size()) std::abort();
  return 0;
}
