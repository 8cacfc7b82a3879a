#include "migration/engine/save.h"

#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

#include "migration/channel/channel_open.h"
#include "migration/channel/main_channel.h"
#include "migration/engine/channel_pool.h"
#include "migration/engine/page_sender.h"
#include "migration/format/stream_constants.h"
#include "migration/format/stream_encoder.h"

namespace mrm::engine {
namespace {

namespace fmt = format;
using model::InjectedBug;
using model::ZeroPageDetection;
using PageLists = std::vector<std::vector<uint64_t>>;

constexpr uint32_t kRamSectionId = 2;
constexpr const char* kSendThreadPrefix = "mig/src/send_";  // MIGRATION_THREAD_SRC_MULTIFD  // registration order; devices take the other ids

class Saver {
 public:
  Saver(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
        std::unique_ptr<channel::MainChannelWriter> main, const StatusCallback& cb)
      : fs_(fs), ram_(ram), config_(config), on_status_(cb), w_(&stream_), main_(std::move(main)) {}
  MigrationStatus Run();

 private:
  dioh::Status Setup();
  dioh::Status OpenChannels();
  dioh::Status SendPass(const PageLists& pages);
  dioh::Status Iterate(uint8_t type, const PageLists* pages, bool complete);
  dioh::Status WriteBitmaps();
  dioh::Status Tail();
  dioh::Status PutStream();  // hands the encoded bytes to the main channel
  MigrationStatus Report(MigrationState state, const std::string& error = "");
  std::string ErrorDetail() const;  // every failure's where, one per line
  // migration_bitmap_sync_precopy: one more dirty sync (a MIGRATION_PASS).
  void SyncDirtyBitmap(MigrationState state);

  channel::FileSystem& fs_;
  ram::HostRam& ram_;
  const SaveConfig& config_;
  const StatusCallback& on_status_;
  std::vector<uint8_t> stream_;
  fmt::ByteWriter w_;
  std::unique_ptr<channel::MainChannelWriter> main_;
  std::vector<std::unique_ptr<channel::File>> channel_files_;
  std::vector<RamBitmap> bitmaps_;
  std::vector<uint64_t> bitmap_offsets_;
  SendCounters counters_;
  ErrorDetails details_;
  SendContext ctx_;
  std::mutex write_turn_;  // see SendContext::write_turn
  std::unique_ptr<ChannelPool> pool_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  uint64_t dirty_syncs_ = 0;
  uint64_t stream_bytes_ = 0;  // main channel bytes (stream and bitmaps)
};

MigrationStatus Saver::Report(MigrationState state, const std::string& error) {
  MigrationStatus s;
  s.state = state;
  s.error_desc = error;
  if (!error.empty()) s.error_detail = ErrorDetail();
  s.ram.total = ram_.total_length();
  s.ram.normal_pages = counters_.normal_pages.load();
  s.ram.zero_pages = counters_.zero_pages.load();
  s.ram.transferred = counters_.bytes.load() + stream_bytes_;
  s.ram.dirty_sync_count = dirty_syncs_;
  s.ram.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (s.ram.elapsed_seconds > 0) {
    s.ram.throughput_mbps = static_cast<double>(s.ram.transferred) * 8 / 1e6 / s.ram.elapsed_seconds;
  }
  if (on_status_) on_status_(s);
  return s;
}

dioh::Status Saver::PutStream() {
  stream_bytes_ += stream_.size();
  main_->Put(stream_);
  stream_.clear();
  return main_->status();
}

// qemu_savevm_state_header + ram_save_setup: the main channel lays out every
// block (record, header, bitmap place, 1 MiB-aligned pages region).
dioh::Status Saver::Setup() {
  SyncDirtyBitmap(MigrationState::kSetup);  // ram_init_bitmaps: the first sync, before any page
  fmt::EncodeFileHeader(w_);
  fmt::EncodeConfiguration(w_, config_.machine, {fmt::kMappedRamCapability});
  fmt::EncodeSectionHeader(w_, fmt::kSectionStart, kRamSectionId, fmt::kRamIdstr, 0, fmt::kRamSectionVersion);
  w_.Be64(ram_.total_length() | fmt::kRamFlagMemSize);
  const fmt::RegionRounding rounding = config_.inject.has(InjectedBug::kUnalignedPagesOffset)
                                           ? fmt::RegionRounding::kPageOnly
                                       : config_.inject.has(InjectedBug::kRelativeRounding)
                                           ? fmt::RegionRounding::kRelativeToStart
                                           : fmt::RegionRounding::kAbsolute1MiB;
  for (const ram::RamBlock& b : ram_.blocks()) {
    const uint64_t record = main_->position() + stream_.size();
    const fmt::BlockLayout l =
        fmt::ComputeBlockLayout(record, b.idstr().size(), b.used_length(), ram::kPageSize, rounding, config_.offset);
    fmt::EncodeRamBlockRecord(w_, b.idstr(), b.used_length(),
                              {fmt::kMappedRamHeaderVersion, ram::kPageSize, l.bitmap_offset, l.pages_offset});
    DIOH_RETURN_IF_ERROR(PutStream());
    DIOH_RETURN_IF_ERROR(main_->SetOffset(l.next_record_offset));  // jump over bitmap and pages
    ctx_.pages_offsets.push_back(l.pages_offset);
    bitmap_offsets_.push_back(l.bitmap_offset);
    bitmaps_.emplace_back(b.pages());
  }
  w_.Be64(fmt::kRamFlagEos);
  fmt::EncodeSectionFooter(w_, kRamSectionId);
  DIOH_RETURN_IF_ERROR(PutStream());
  return main_->Flush();
}

// multifd_send_setup, on the migration thread (mig/src/main): it opens every
// channel's file itself (file_send_channel_create, O_WRONLY[|O_DIRECT]), then
// the channel threads (mig/src/send_N) only write. Every channel tries to
// open even after one failed; the first error fails the migration cleanly.
dioh::Status Saver::OpenChannels() {
  ctx_.ram = &ram_;
  ctx_.bitmaps = &bitmaps_;
  ctx_.inject = config_.inject;
  ctx_.counters = &counters_;
  ctx_.details = &details_;
  ctx_.detect_zero = config_.zero_page_detection == ZeroPageDetection::kMultifd && config_.multifd;
  if (!config_.multifd) {
    ctx_.files.push_back(&main_->file());
    ctx_.max_pages_per_write = 1;  // ram_save_page: one page per qemu_put_buffer_at
    ctx_.main_channel = true;
    pool_ = std::make_unique<ChannelPool>(0);
    return dioh::Status::Ok();
  }
  const int flags = channel::ChannelOpenFlags(channel::ChannelRole::kMultifd, model::Direction::kOutgoing,
                                              config_.direct_io, config_.inject);
  dioh::Status first_error;
  for (uint32_t i = 0; i < config_.channels; ++i) {
    auto file = channel::OpenChannelFile(fs_, config_.path, flags);
    if (!file.ok()) {
      if (first_error.ok()) first_error = file.status();
      continue;
    }
    channel_files_.push_back(std::move(*file));
    ctx_.files.push_back(channel_files_.back().get());
  }
  if (!first_error.ok()) {
    ctx_.files.clear();
    channel_files_.clear();
    return first_error;
  }
  // Buffered channels to one file take turns per batch (SendContext::write_turn).
  if (config_.channels > 1 && (flags & O_DIRECT) == 0) ctx_.write_turn = &write_turn_;
  pool_ = std::make_unique<ChannelPool>(config_.channels, kSendThreadPrefix);
  return dioh::Status::Ok();
}

// The main thread queues batches of at most 128 pages of one block; zero
// pages are found here (legacy, or always without multifd unless "none") or
// by the channel (multifd). Then all channels are synced.
dioh::Status Saver::SendPass(const PageLists& pages) {
  const bool main_detects = config_.zero_page_detection != ZeroPageDetection::kNone && !ctx_.detect_zero;
  for (uint32_t block = 0; block < pages.size(); ++block) {
    PageBatch batch{block, {}};
    auto flush = [&] {
      if (batch.pages.empty()) return;
      pool_->Submit([this, b = std::move(batch)](uint32_t channel) { return SendBatch(ctx_, b, channel); });
      batch = PageBatch{block, {}};
    };
    for (uint64_t page : pages[block]) {
      if (batch.pages.empty() && pool_->failed()) break;  // checked once per batch
      if (main_detects && IsZeroPage(ram_.blocks()[block].page(page))) {
        MarkZeroPage(ctx_, block, page);
        continue;
      }
      batch.pages.push_back(page);
      if (batch.pages.size() == fmt::kMultifdPagesPerPacket) flush();
    }
    flush();
  }
  return pool_->Sync();  // multifd_send_sync_main: older writes land before newer ones
}

// A PART or END section of "ram": header, the pass's pages, sync, [bitmaps], EOS, footer.
dioh::Status Saver::Iterate(uint8_t type, const PageLists* pages, bool complete) {
  fmt::EncodeSectionShortHeader(w_, type, kRamSectionId);
  DIOH_RETURN_IF_ERROR(PutStream());
  if (pages != nullptr) DIOH_RETURN_IF_ERROR(SendPass(*pages));
  if (complete) DIOH_RETURN_IF_ERROR(WriteBitmaps());
  w_.Be64(fmt::kRamFlagEos);
  fmt::EncodeSectionFooter(w_, kRamSectionId);
  return PutStream();
}

// ram_save_complete: the bitmaps go through the main (never O_DIRECT)
// descriptor after every channel is flushed.
dioh::Status Saver::WriteBitmaps() {
  for (size_t i = 0; i < bitmaps_.size(); ++i) {
    const std::vector<uint8_t> bytes = bitmaps_[i].Serialize();
    const uint64_t bitmap_offset = bitmap_offsets_[i];
    if (config_.inject.has(InjectedBug::kBitmapViaOdirectChannel) && !ctx_.files.empty() && config_.multifd) {
      auto n = ctx_.files[0]->PWrite(bytes.data(), bytes.size(), bitmap_offset);
      if (!n.ok()) return n.status().WithContext("bitmap of " + ram_.blocks()[i].idstr() + " via multifd channel 0");
      if (*n != bytes.size()) return dioh::Status::Error(EIO, "short bitmap write");
      continue;
    }
    DIOH_RETURN_IF_ERROR(main_->PutAt(bytes, bitmap_offset));
    stream_bytes_ += bytes.size();
  }
  return dioh::Status::Ok();
}

dioh::Status Saver::Tail() {
  std::vector<fmt::SyntheticDevice> devices = fmt::MakeSyntheticDevices(config_.device_seed);
  uint32_t id = 0;
  for (const fmt::SyntheticDevice& d : devices) {
    if (id == kRamSectionId) ++id;
    fmt::EncodeSectionHeader(w_, fmt::kSectionFull, id, d.name, d.instance_id, d.version_id);
    w_.Bytes(std::string_view(reinterpret_cast<const char*>(d.body.data()), d.body.size()));
    fmt::EncodeSectionFooter(w_, id++);
  }
  fmt::EncodeEofAndVmDescription(
      w_, fmt::BuildVmDescriptionJson(config_.machine, {fmt::kMappedRamCapability}, ram::kPageSize, devices));
  DIOH_RETURN_IF_ERROR(PutStream());
  return main_->Flush();  // no fsync: QEMU does not sync at the end
}

void Saver::SyncDirtyBitmap(MigrationState state) {
  ++dirty_syncs_;
  Report(state);
}

std::string Saver::ErrorDetail() const {
  std::string out;
  std::vector<std::string> lines = details_.lines();
  if (main_ && !main_->error_detail().empty()) lines.push_back(main_->error_detail());
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// migration_thread: channels first (multifd_send_setup), then the header and
// ram_save_setup, then the passes. Dirty syncs as QEMU counts them for this
// save (ram.dirty-sync-count, MIGRATION_PASS): one at setup (ram_init_bitmaps),
// one before each later pass (migration_iteration_run's exact pending), one
// at completion (ram_save_complete); so max(passes, 2).
MigrationStatus Saver::Run() {
  Report(MigrationState::kSetup);
  dioh::Status s = ValidateSaveConfig(config_, ram_);
  if (s.ok()) s = OpenChannels();
  if (s.ok() && !(s = Setup()).ok()) {
    // Every failure of Setup is a main channel write. QEMU's ram_save_setup
    // flushes the QEMUFile, whose error code is always -EIO (qemu_fflush),
    // and migrate_set_error keeps its own text, not the channel's
    // (checked on QEMU 10.0.2 with an EINVAL on the third buffered write).
    s = dioh::Status::Error(EIO, std::string("ram_save_setup failed: ") + std::strerror(EIO));
  }
  if (s.ok()) {
    Report(MigrationState::kActive);
    PageLists all(ram_.blocks().size());
    for (size_t b = 0; b < all.size(); ++b) {
      for (uint64_t p = 0; p < ram_.blocks()[b].pages(); ++p) all[b].push_back(p);
    }
    s = Iterate(fmt::kSectionPart, &all, false);
    for (uint32_t pass = 1; s.ok() && pass + 1 < config_.passes; ++pass) {
      const PageLists dirty = ram_.ApplyPass(config_.content, pass);
      SyncDirtyBitmap(MigrationState::kActive);
      s = Iterate(fmt::kSectionPart, &dirty, false);
    }
    if (s.ok()) {
      fmt::EncodeSwitchoverStart(w_);
      s = PutStream();
    }
    if (s.ok()) {
      PageLists last;
      if (config_.passes > 1) last = ram_.ApplyPass(config_.content, config_.passes - 1);
      // migration_completion: status device, then ram_save_complete's sync.
      Report(MigrationState::kDevice);
      SyncDirtyBitmap(MigrationState::kDevice);
      s = Iterate(fmt::kSectionEnd, config_.passes > 1 ? &last : nullptr, true);
    }
    if (s.ok()) s = Tail();
  }
  pool_.reset();  // joins the channel threads before their files close
  channel_files_.clear();
  if (!s.ok()) return Report(MigrationState::kFailed, s.message());
  return Report(MigrationState::kCompleted);
}

}  // namespace

dioh::Status ValidateSaveConfig(const SaveConfig& c, const ram::HostRam& ram) {
  if (!c.mapped_ram) {
    return dioh::Status::Error(EINVAL, "mrmigrate writes only mapped-ram streams: enable the mapped-ram capability");
  }
  if (c.multifd && (c.channels == 0 || c.channels > 255)) {
    return dioh::Status::Error(EINVAL, "multifd-channels must be between 1 and 255");
  }
  if (c.passes == 0) return dioh::Status::Error(EINVAL, "at least one pass over RAM is needed");
  if (ram.blocks().empty()) return dioh::Status::Error(EINVAL, "no RAM block to migrate");
  if (c.path.empty()) return dioh::Status::Error(EINVAL, "no file to migrate to");
  return dioh::Status::Ok();
}

dioh::Result<std::unique_ptr<channel::MainChannelWriter>> StartOutgoingFile(channel::FileSystem& fs,
                                                                             const SaveConfig& config) {
  if (config.path.empty()) return dioh::Status::Error(EINVAL, "no file to migrate to");
  const int flags = channel::ChannelOpenFlags(channel::ChannelRole::kMain, model::Direction::kOutgoing,
                                              config.direct_io, config.inject);
  auto file = channel::OpenChannelFile(fs, config.path, flags);
  if (!file.ok()) return file.status();
  return channel::MainChannelWriter::Start(std::move(*file), config.offset);
}

MigrationStatus SaveMigration(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
                              std::unique_ptr<channel::MainChannelWriter> main, const StatusCallback& on_status) {
  return Saver(fs, ram, config, std::move(main), on_status).Run();
}

MigrationStatus SaveMigration(channel::FileSystem& fs, ram::HostRam& ram, const SaveConfig& config,
                              const StatusCallback& on_status) {
  dioh::Status valid = ValidateSaveConfig(config, ram);
  auto main = valid.ok() ? StartOutgoingFile(fs, config) : dioh::Result<std::unique_ptr<channel::MainChannelWriter>>(valid);
  if (!main.ok()) {
    MigrationStatus failed;
    if (on_status) on_status(failed);  // kSetup first, as ever
    failed.state = MigrationState::kFailed;
    failed.error_desc = main.status().message();
    failed.ram.total = ram.total_length();
    if (on_status) on_status(failed);
    return failed;
  }
  return SaveMigration(fs, ram, config, std::move(*main), on_status);
}

}  // namespace mrm::engine
