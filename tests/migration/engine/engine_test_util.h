// Test helpers: a small RAM, a save and a load through the same FileSystem.
#pragma once

#include <fcntl.h>

#include <string>
#include <vector>

#include "tests/migration/channel/fake_file_io.h"
#include "migration/engine/load.h"
#include "migration/engine/save.h"
#include "migration/format/byte_source.h"
#include "migration/format/stream_parser.h"
#include "migration/ram/host_ram.h"

namespace mrm::engine::testing {

inline ram::HostRam MakeRam(const std::vector<ram::RamBlockSpec>& specs, const ram::ContentSpec& content) {
  auto r = ram::HostRam::Allocate(specs);
  r->ApplyPass(content, 0);
  return std::move(*r);
}

inline SaveConfig MakeSave(uint32_t channels, bool direct, const ram::ContentSpec& content) {
  SaveConfig c;
  c.path = "/mig/file";
  c.multifd = channels > 0;
  c.channels = channels;
  c.direct_io = model::DirectIo::Decide(direct, c.mapped_ram, c.multifd);
  c.content = content;
  return c;
}

inline LoadConfig LoadFor(const SaveConfig& s) {
  LoadConfig l;
  l.path = s.path;
  l.offset = s.offset;
  l.multifd = s.multifd;
  l.channels = s.channels;
  l.direct_io = s.direct_io;
  l.verify = true;
  l.content = s.content;
  l.verify_pass = s.passes - 1;
  return l;
}

// Saves `specs` filled from the config's content, then loads into fresh RAM.
struct RoundTrip {
  MigrationStatus saved;
  MigrationStatus loaded;
};
inline RoundTrip SaveAndLoad(channel::FileSystem& fs, const std::vector<ram::RamBlockSpec>& specs,
                             const SaveConfig& save) {
  ram::HostRam source = MakeRam(specs, save.content);
  RoundTrip r;
  r.saved = SaveMigration(fs, source, save);
  if (r.saved.state != MigrationState::kCompleted) return r;
  auto dest = ram::HostRam::Allocate(specs);
  r.loaded = LoadMigration(fs, *dest, LoadFor(save));
  return r;
}

inline dioh::Result<format::ParsedStream> ParseFake(const channel::FakeFileSystem& fs, const std::string& path,
                                                    uint64_t offset = 0) {
  std::vector<uint8_t> bytes = fs.Contents(path);
  format::MemoryByteSource source(bytes);
  return format::ParseMigrationFile(source, offset);
}

// The file id of the main channel (the open with O_CREAT).
inline int MainFileId(const std::vector<channel::FakeOp>& ops) {
  for (const channel::FakeOp& op : ops) {
    if (op.kind == channel::FakeOp::kOpen && (op.flags & O_CREAT) && op.error == 0) return op.file_id;
  }
  return -1;
}

}  // namespace mrm::engine::testing
