#include "migration/engine/load.h"

#include <cerrno>
#include <cinttypes>
#include <chrono>
#include <memory>

#include "migration/channel/channel_open.h"
#include "migration/channel/io_errors.h"
#include "migration/channel/main_channel.h"
#include "migration/engine/channel_pool.h"
#include "migration/engine/ram_bitmap.h"
#include "migration/format/stream_constants.h"
#include "migration/format/stream_parser.h"

namespace mrm::engine {
namespace {

using format::StringPrintf;

struct ReadRequest {
  uint8_t* host = nullptr;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// multifd_file_recv_data: one pread per request; a short read is an error.
dioh::Status ReadInto(channel::File& file, const ReadRequest& r, uint32_t channel) {
  auto n = file.PRead(r.host, r.length, r.offset);
  if (!n.ok()) {
    // multifd_file_recv_data prepends its count (qio_channel_pread's -1, as
    // size_t) to qio_channel_file_preadv's "Unable to read from file".
    const int err = n.status().code();
    return dioh::Status::Error(err, StringPrintf("multifd recv (%u): read 0x%zx, expected 0x%" PRIx64 ": %s", channel,
                                                 static_cast<size_t>(-1), r.length,
                                                 channel::UnableToReadFromFile(err).c_str()));
  }
  if (*n != r.length) {
    return dioh::Status::Error(EIO, StringPrintf("multifd recv (%u): read 0x%zx, expected 0x%" PRIx64, channel, *n,
                                                 r.length));
  }
  return dioh::Status::Ok();
}

// ram.c ram_load for mapped-ram: every block of the stream must exist here
// with the same length.
dioh::Status MatchBlocks(const format::ParsedStream& stream, const ram::HostRam& ram,
                         std::vector<const ram::RamBlock*>* targets) {
  for (const format::RamBlockRecord& rec : stream.ram_blocks) {
    const ram::RamBlock* found = nullptr;
    for (const ram::RamBlock& b : ram.blocks()) {
      if (b.idstr() == rec.idstr) found = &b;
    }
    if (found == nullptr) {
      return format::FormatError(rec.record_offset, "Unknown ramblock \"" + rec.idstr + "\", cannot accept migration");
    }
    if (found->used_length() != rec.used_length) {
      return format::FormatError(rec.record_offset, StringPrintf("Length mismatch: %s: 0x%" PRIx64 " in != 0x%" PRIx64,
                                                                 rec.idstr.c_str(), rec.used_length, found->used_length()));
    }
    if (rec.header.page_size != ram::kPageSize) {
      return format::FormatError(rec.header_offset, "ramblock " + rec.idstr + " page size differs from 4096");
    }
    targets->push_back(found);
  }
  return dioh::Status::Ok();
}

MigrationStatus Finish(MigrationStatus s, MigrationState state, const std::string& error,
                       std::chrono::steady_clock::time_point started, const StatusCallback& cb) {
  s.state = state;
  s.error_desc = error;
  s.ram.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (s.ram.elapsed_seconds > 0) {
    s.ram.throughput_mbps = static_cast<double>(s.ram.transferred) * 8 / 1e6 / s.ram.elapsed_seconds;
  }
  if (cb) cb(s);
  return s;
}

}  // namespace

MigrationStatus LoadMigration(channel::FileSystem& fs, ram::HostRam& ram, const LoadConfig& config,
                              const StatusCallback& on_status) {
  const auto started = std::chrono::steady_clock::now();
  MigrationStatus status;
  status.ram.total = ram.total_length();
  auto fail = [&](const dioh::Status& s) { return Finish(status, MigrationState::kFailed, s.message(), started, on_status); };
  if (on_status) on_status(status);
  if (!config.mapped_ram) return fail(dioh::Status::Error(EINVAL, "mrmigrate loads only mapped-ram streams"));

  const int main_flags = channel::ChannelOpenFlags(channel::ChannelRole::kMain, model::Direction::kIncoming,
                                                   config.direct_io, config.inject);
  auto main_file = channel::OpenChannelFile(fs, config.path, main_flags);
  if (!main_file.ok()) return fail(main_file.status());
  auto source = channel::FileByteSource::Open(std::move(*main_file));
  if (!source.ok()) return fail(source.status());
  auto stream = format::ParseMigrationFile(**source, config.offset);
  if (!stream.ok()) return fail(stream.status());
  std::vector<const ram::RamBlock*> targets;
  dioh::Status s = MatchBlocks(*stream, ram, &targets);
  if (!s.ok()) return fail(s);
  status.state = MigrationState::kActive;
  if (on_status) on_status(status);

  std::vector<std::unique_ptr<channel::File>> files;
  std::vector<channel::File*> channel_files;
  if (config.multifd) {
    const int flags = channel::ChannelOpenFlags(channel::ChannelRole::kMultifd, model::Direction::kIncoming,
                                                config.direct_io, config.inject);
    for (uint32_t i = 0; i < config.channels; ++i) {
      auto f = channel::OpenChannelFile(fs, config.path, flags);
      if (!f.ok()) return fail(f.status());
      files.push_back(std::move(*f));
      channel_files.push_back(files.back().get());
    }
  } else {
    channel_files.push_back(&(*source)->file());
  }

  uint64_t bytes = 0, data_pages = 0;
  {
    ChannelPool pool(config.multifd ? config.channels : 0, "mig/dst/recv_");  // MIGRATION_THREAD_DST_MULTIFD
    const uint64_t max_pages = format::kMappedRamLoadBufSize / ram::kPageSize;
    for (size_t i = 0; i < targets.size() && !pool.failed(); ++i) {
      const format::RamBlockRecord& rec = stream->ram_blocks[i];
      for (uint64_t p = 0; p < rec.pages;) {
        if (!SerializedBitSet(rec.bitmap, p)) {
          ++p;
          continue;
        }
        uint64_t n = 1;
        while (p + n < rec.pages && n < max_pages && SerializedBitSet(rec.bitmap, p + n)) ++n;
        ReadRequest r{targets[i]->page(p), rec.header.pages_offset + p * ram::kPageSize, n * ram::kPageSize};
        pool.Submit([r, &channel_files](uint32_t channel) { return ReadInto(*channel_files[channel], r, channel); });
        bytes += r.length;
        data_pages += n;
        p += n;
      }
    }
    s = pool.Sync();
  }
  status.ram.transferred = bytes;
  status.ram.normal_pages = data_pages;
  status.ram.dirty_sync_count = 1;
  if (!s.ok()) return fail(s);
  if (config.verify) {
    s = ram.Verify(config.content, config.verify_pass);
    if (!s.ok()) return fail(s);
  }
  return Finish(status, MigrationState::kCompleted, "", started, on_status);
}

}  // namespace mrm::engine
