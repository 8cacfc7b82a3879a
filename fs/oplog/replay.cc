#include "fs/oplog/replay.h"

#include <fcntl.h>
#include <linux/falloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>

namespace diofs::oplog {
namespace {

// Replayed files larger than this are refused (a corrupt offset must not
// make the harness allocate without bound).
constexpr std::uint64_t kMaxReplaySize = std::uint64_t{1} << 36;

enum class Effect : std::uint8_t { kNone, kApply, kRenamedIn, kGone };

std::string SeqText(const LogRecord& record) { return "seq " + std::to_string(record.seq); }

// Walks back from the marker: which records act on the file that is at
// `path` at the marker, following renames to its earlier names.
std::vector<Effect> TraceLineage(std::span<const LogRecord> records, std::size_t mark,
                                 std::string_view path) {
  std::vector<Effect> effects(mark, Effect::kNone);
  std::string name(path);
  for (std::size_t i = mark; i-- > 0 && !name.empty();) {
    const LogRecord& r = records[i];
    if (r.result < 0) continue;
    if (r.kind == OpKind::kRename) {
      if (r.text == name) {
        effects[i] = Effect::kRenamedIn;
        name = r.path;
      } else if (r.path == name) {
        effects[i] = Effect::kGone;  // renamed away and not renamed back
        name.clear();
      }
      continue;
    }
    if (r.path != name) continue;
    if (r.kind == OpKind::kUnlink) {
      effects[i] = Effect::kGone;
      name.clear();
    } else {
      effects[i] = Effect::kApply;
      if (r.kind == OpKind::kCreate) name.clear();  // a new file: older records were another one
    }
  }
  return effects;
}

dioh::Status CheckedEnd(const LogRecord& r, std::uint64_t offset, std::uint64_t length,
                        std::uint64_t& end) {
  if (offset > kMaxReplaySize || length > kMaxReplaySize - offset) {
    return dioh::Status::Error(EFBIG, SeqText(r) + ": offset+length beyond the replay limit");
  }
  end = offset + length;
  return dioh::Status::Ok();
}

dioh::Status ApplyWrite(const LogRecord& r, std::vector<std::byte>& content) {
  if (r.result <= 0) return dioh::Status::Ok();
  if (!r.data_kept) {
    return dioh::Status::Error(ENODATA, SeqText(r) + ": write of " + r.path +
                                            " has no data (the log was written without --log-data)");
  }
  const std::uint64_t applied = std::min<std::uint64_t>(static_cast<std::uint64_t>(r.result), r.data.size());
  std::uint64_t end = 0;
  DIOH_RETURN_IF_ERROR(CheckedEnd(r, r.offset, applied, end));
  if (end > content.size()) content.resize(end);
  std::copy_n(r.data.begin(), applied, content.begin() + static_cast<std::ptrdiff_t>(r.offset));
  return dioh::Status::Ok();
}

dioh::Status ApplyFallocate(const LogRecord& r, std::vector<std::byte>& content) {
  const std::uint32_t mode = r.aux;
  const bool keep_size = (mode & FALLOC_FL_KEEP_SIZE) != 0;
  const std::uint32_t action = mode & ~static_cast<std::uint32_t>(FALLOC_FL_KEEP_SIZE);
  std::uint64_t end = 0;
  DIOH_RETURN_IF_ERROR(CheckedEnd(r, r.offset, r.length, end));
  if (action != 0 && action != FALLOC_FL_PUNCH_HOLE && action != FALLOC_FL_ZERO_RANGE) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%x", mode);
    return dioh::Status::Error(ENOTSUP, SeqText(r) + ": fallocate mode " + hex + " is not replayed");
  }
  if (action != 0) {  // punch hole or zero range: the range reads as zeros
    const std::uint64_t zero_end = std::min<std::uint64_t>(end, content.size());
    if (r.offset < zero_end) {
      std::fill(content.begin() + static_cast<std::ptrdiff_t>(r.offset),
                content.begin() + static_cast<std::ptrdiff_t>(zero_end), std::byte{0});
    }
  }
  // Allocation and zero range without KEEP_SIZE extend the file (fallocate(2)).
  if (!keep_size && action != FALLOC_FL_PUNCH_HOLE && end > content.size()) content.resize(end);
  return dioh::Status::Ok();
}

}  // namespace

dioh::Result<std::vector<std::byte>> ReplayFile(std::span<const LogRecord> records,
                                                std::string_view path,
                                                std::string_view until_mark_text) {
  const auto marker = std::find_if(records.begin(), records.end(), [&](const LogRecord& r) {
    return r.kind == OpKind::kMarker && r.text == until_mark_text;
  });
  if (marker == records.end()) {
    return dioh::Status::Error(ENOENT, "no marker \"" + std::string(until_mark_text) + "\" in the log");
  }
  const auto mark = static_cast<std::size_t>(marker - records.begin());
  const std::vector<Effect> effects = TraceLineage(records, mark, path);

  std::vector<std::byte> content;
  bool exists = false;
  for (std::size_t i = 0; i < mark; ++i) {
    const LogRecord& r = records[i];
    if (effects[i] == Effect::kGone) {
      content.clear();
      exists = false;
      continue;
    }
    if (effects[i] == Effect::kRenamedIn) exists = true;
    if (effects[i] != Effect::kApply) continue;
    exists = true;
    switch (r.kind) {
      case OpKind::kCreate:
        content.clear();
        break;
      case OpKind::kOpen:
        if ((r.flags & O_TRUNC) != 0) content.clear();
        break;
      case OpKind::kWrite:
        DIOH_RETURN_IF_ERROR(ApplyWrite(r, content));
        break;
      case OpKind::kTruncate:
        if (r.offset > kMaxReplaySize) {
          return dioh::Status::Error(EFBIG, SeqText(r) + ": truncate beyond the replay limit");
        }
        content.resize(r.offset);
        break;
      case OpKind::kFallocate:
        DIOH_RETURN_IF_ERROR(ApplyFallocate(r, content));
        break;
      default:
        break;  // reads, flushes, fsyncs, releases do not change content
    }
  }
  if (!exists) {
    return dioh::Status::Error(ENOENT, std::string(path) + " does not exist at marker \"" +
                                           std::string(until_mark_text) + "\" (no record creates or writes it)");
  }
  return content;
}

}  // namespace diofs::oplog
