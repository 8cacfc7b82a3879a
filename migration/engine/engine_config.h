// The engine's configuration and status types. The caller (QMP server, CLI)
// fills them from validated migration parameters with the values of
// migration/model as the parameters core decided them; the engine does not
// know the parameters core.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "migration/model/direct_io.h"
#include "migration/model/injected_bugs.h"
#include "migration/model/zero_page_detection.h"
#include "migration/ram/page_content.h"

namespace mrm::engine {

struct SaveConfig {
  std::string path;
  uint64_t offset = 0;          // file:PATH,offset=N
  bool mapped_ram = true;
  bool multifd = false;
  uint32_t channels = 2;        // multifd-channels
  model::DirectIo direct_io;
  model::ZeroPageDetection zero_page_detection = model::ZeroPageDetection::kMultifd;
  model::InjectedBugs inject;
  std::string machine = "pc-q35-9.1";
  // The caller fills the RAM with pass 0 (ram::HostRam::ApplyPass(content, 0)).
  // Live save: passes > 1 rewrites the pages dirtied at each later pass
  // (ram::HostRam::ApplyPass with `content`) and sends them again; a loader
  // then verifies against pass `passes - 1`.
  uint32_t passes = 1;
  ram::ContentSpec content;
  uint64_t device_seed = 1;
};

struct LoadConfig {
  std::string path;
  uint64_t offset = 0;
  bool mapped_ram = true;
  bool multifd = false;
  uint32_t channels = 2;
  model::DirectIo direct_io;
  model::InjectedBugs inject;
  // When set, every page is checked against the seed model after `verify_pass`.
  bool verify = false;
  ram::ContentSpec content;
  uint32_t verify_pass = 0;
};

// query-migrate's view (MigrationStatus + ram stats).
// kDevice: the switchover (migration_completion), from the last dirty sync on.
enum class MigrationState { kSetup, kActive, kDevice, kCompleted, kFailed };

struct RamStats {
  uint64_t total = 0;         // bytes of guest RAM
  uint64_t transferred = 0;   // bytes written (pages + stream)
  uint64_t normal_pages = 0;  // pages sent as data
  uint64_t zero_pages = 0;    // pages detected zero
  uint64_t dirty_sync_count = 0;
  double elapsed_seconds = 0;
  double throughput_mbps = 0;  // megabits per second, like query-migrate
};

struct MigrationStatus {
  MigrationState state = MigrationState::kSetup;
  std::string error_desc;    // set when failed: QEMU's text, as query-migrate shows it
  std::string error_detail;  // where it failed (channel, offset, ramblock), one line each: for stderr
  RamStats ram;
};

// Called on every state change (from the thread running Save/Load).
using StatusCallback = std::function<void(const MigrationStatus&)>;

}  // namespace mrm::engine
