// What query-migrate says while a migration runs (QEMU's MigrationInfo,
// qapi/migration.json): the engine drivers fill it, the command line shows
// it. A field the engine did not report stays absent (QEMU's destination
// reports no "ram"; mrmigrate no dirty-sync-count).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dioh {

struct MigrationProgress {
  std::string status;                            // "setup", "active", "completed", ...
  std::optional<std::uint64_t> transferred;      // ram.transferred: bytes written so far
  std::optional<std::uint64_t> remaining;        // ram.remaining: bytes still to send in this pass
  std::optional<std::uint64_t> total;            // ram.total: guest RAM bytes
  std::optional<std::uint64_t> normal_pages;     // ram.normal: pages sent as data
  std::optional<std::uint64_t> zero_pages;       // ram.duplicate: pages found zero
  std::optional<std::uint64_t> dirty_syncs;      // ram.dirty-sync-count: the pass over RAM
  double seconds = 0;                            // since migrate was sent
};

}  // namespace dioh
