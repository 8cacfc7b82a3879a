#include "fs/oplog/log_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "fs/oplog/byte_order.h"
#include "fs/oplog/log_file.h"

namespace diofs::oplog {
namespace {

using Bytes = std::span<const std::byte>;

dioh::Status Damage(std::uint64_t offset, const std::string& what) {
  return dioh::Status::Error(EBADMSG, "op log damaged at byte " + std::to_string(offset) + ": " + what);
}

dioh::Result<LogHeader> ParseHeader(Bytes bytes, std::size_t& header_size) {
  namespace f = header_field;
  const std::size_t magic_seen = std::min(bytes.size(), sizeof(kLogMagic));
  if (magic_seen > 0 && std::memcmp(bytes.data(), kLogMagic, magic_seen) != 0) {
    return dioh::Status::Error(EBADMSG, "not a diofs op log (no DIOFSLOG magic at byte 0)");
  }
  if (bytes.size() < kHeaderFixedSize) {
    return dioh::Status::Error(EBADMSG, "op log header torn: file has only " +
                                            std::to_string(bytes.size()) + " bytes");
  }
  const std::byte* base = bytes.data();
  LogHeader header;
  header.version = GetField<std::uint32_t>(base, f::kVersion);
  if (header.version != kFormatVersion && header.version != 1) {
    return dioh::Status::Error(ENOTSUP, "op log format version " + std::to_string(header.version) +
                                            " is not supported (this reader knows versions 1 and " +
                                            std::to_string(kFormatVersion) + ")");
  }
  const std::uint32_t profile_size = GetField<std::uint32_t>(base, f::kProfileLen);
  const std::uint32_t declared_size = GetField<std::uint32_t>(base, f::kHeaderSize);
  if (profile_size > kMaxProfileSize ||
      declared_size != kHeaderFixedSize + profile_size + kHeaderChecksumSize) {
    return dioh::Status::Error(EBADMSG, "op log header corrupt: inconsistent sizes");
  }
  if (bytes.size() < declared_size) {
    return dioh::Status::Error(EBADMSG, "op log header torn: " + std::to_string(declared_size) +
                                            " bytes declared, " + std::to_string(bytes.size()) +
                                            " in the file");
  }
  const std::size_t covered = kHeaderFixedSize + profile_size;
  if (GetField<std::uint64_t>(base, covered) != HashData(bytes.first(covered))) {
    return dioh::Status::Error(EBADMSG, "op log header corrupt: checksum mismatch");
  }
  const std::uint32_t flags = GetField<std::uint32_t>(base, f::kFlags);
  header.max_write = GetField<std::uint32_t>(base, f::kMaxWrite);
  header.keep_data = (flags & kHeaderFlagKeepData) != 0;
  header.start_realtime_ns = GetField<std::uint64_t>(base, f::kStartRealtime);
  header.start_monotonic_ns = GetField<std::uint64_t>(base, f::kStartMonotonic);
  header.profile.assign(reinterpret_cast<const char*>(base + kHeaderFixedSize), profile_size);
  header_size = declared_size;
  return header;
}

// Decodes one verified record body; returns an error text for inconsistent content.
std::string DecodeRecordBody(Bytes body, std::uint64_t expected_seq, std::size_t head_size, LogRecord& record) {
  namespace f = record_field;
  const std::byte* base = body.data();
  const std::uint64_t path_size = GetField<std::uint32_t>(base, f::kPathLen);
  const std::uint64_t text_size = GetField<std::uint32_t>(base, f::kTextLen);
  const std::uint8_t record_flags = GetField<std::uint8_t>(base, f::kRecordFlags);
  record.data_kept = (record_flags & kRecordFlagDataKept) != 0;
  record.data_size = GetField<std::uint64_t>(base, f::kDataSize);
  const std::uint64_t kept_size = record.data_kept ? record.data_size : 0;
  if (head_size + path_size + text_size + kept_size != body.size()) {
    return "record sizes do not add up to the frame size";
  }
  const std::uint8_t kind = GetField<std::uint8_t>(base, f::kKind);
  const std::uint8_t rule = GetField<std::uint8_t>(base, f::kRule);
  const std::uint8_t verdict = GetField<std::uint8_t>(base, f::kVerdict);
  if (kind < 1 || kind > static_cast<std::uint8_t>(OpKind::kMknod) ||
      rule > static_cast<std::uint8_t>(Rule::kODirectUnsupported) ||
      verdict > static_cast<std::uint8_t>(Verdict::kRecorded)) {
    return "unknown op kind, rule or verdict";
  }
  record.seq = GetField<std::uint64_t>(base, f::kSeq);
  if (record.seq != expected_seq) {
    return "sequence gap: expected seq " + std::to_string(expected_seq) + ", found " +
           std::to_string(record.seq);
  }
  record.kind = static_cast<OpKind>(kind);
  record.rule = static_cast<Rule>(rule);
  record.verdict = static_cast<Verdict>(verdict);
  record.start_ns = GetField<std::uint64_t>(base, f::kStartNs);
  record.end_ns = GetField<std::uint64_t>(base, f::kEndNs);
  record.ino = GetField<std::uint64_t>(base, f::kIno);
  record.fh = GetField<std::uint64_t>(base, f::kFh);
  record.offset = GetField<std::uint64_t>(base, f::kOffset);
  record.length = GetField<std::uint64_t>(base, f::kLength);
  record.result = GetField<std::int64_t>(base, f::kResult);
  record.data_hash = GetField<std::uint64_t>(base, f::kDataHash);
  record.pid = GetField<std::uint32_t>(base, f::kPid);
  record.tid = GetField<std::uint32_t>(base, f::kTid);
  record.pgid = head_size > f::kPgid ? GetField<std::uint32_t>(base, f::kPgid) : 0;
  record.flags = GetField<std::uint32_t>(base, f::kFlags);
  record.aux = GetField<std::uint32_t>(base, f::kAux);
  const char* chars = reinterpret_cast<const char*>(base + head_size);
  record.path.assign(chars, path_size);
  record.text.assign(chars + path_size, text_size);
  if (record.data_kept) {
    const Bytes data = body.subspan(head_size + path_size + text_size);
    if (HashData(data) != record.data_hash) return "kept data does not match its xxh3 hash";
    record.data.assign(data.begin(), data.end());
  }
  return "";
}

}  // namespace

dioh::Result<LogContents> ParseLog(Bytes bytes) {
  LogContents contents;
  contents.file_size = bytes.size();
  std::size_t offset = 0;
  auto header = ParseHeader(bytes, offset);
  if (!header.ok()) return header.status();
  contents.header = std::move(*header);

  auto stop = [&](const std::string& what) {
    contents.damage = Damage(offset, what);
    contents.damage_offset = offset;
    return contents;
  };
  while (offset < bytes.size()) {
    const Bytes rest = bytes.subspan(offset);
    if (contents.trailer) {
      return stop(std::to_string(rest.size()) + " bytes after the trailer");
    }
    if (rest.size() < kFrameHeadSize) {
      return stop("torn frame: " + std::to_string(rest.size()) + " of " +
                  std::to_string(kFrameHeadSize) + " frame-head bytes");
    }
    const std::uint32_t body_size = GetField<std::uint32_t>(rest.data(), frame_field::kBodySize);
    const std::uint16_t type = GetField<std::uint16_t>(rest.data(), frame_field::kType);
    const std::uint16_t reserved = GetField<std::uint16_t>(rest.data(), frame_field::kReserved);
    const std::uint64_t checksum = GetField<std::uint64_t>(rest.data(), frame_field::kChecksum);
    const bool is_record = type == static_cast<std::uint16_t>(FrameType::kRecord);
    const bool is_trailer = type == static_cast<std::uint16_t>(FrameType::kTrailer);
    if ((!is_record && !is_trailer) || reserved != 0) return stop("corrupt frame head (bad type)");
    if (body_size > rest.size() - kFrameHeadSize) {
      return stop("torn record (or corrupt length): frame needs " + std::to_string(body_size) +
                  " body bytes, " + std::to_string(rest.size() - kFrameHeadSize) + " remain");
    }
    const Bytes body = rest.subspan(kFrameHeadSize, body_size);
    if (is_trailer) {
      if (body_size != kTrailerBodySize ||
          checksum != FrameChecksum(FrameType::kTrailer, body_size, body)) {
        return stop("corrupt trailer (checksum mismatch)");
      }
      LogTrailer trailer{GetField<std::uint64_t>(body.data(), 0),
                         GetField<std::uint64_t>(body.data(), 8),
                         GetField<std::uint64_t>(body.data(), 16)};
      if (trailer.record_count != contents.records.size()) {
        return stop("trailer counts " + std::to_string(trailer.record_count) + " records, the log holds " +
                    std::to_string(contents.records.size()));
      }
      contents.trailer = trailer;
      offset += kFrameHeadSize + body_size;
      continue;
    }
    const std::size_t head_size = RecordHeadSize(contents.header.version);
    if (body_size < head_size) return stop("corrupt record: frame shorter than a record head");
    const std::uint64_t covered = head_size +
                                  std::uint64_t{GetField<std::uint32_t>(body.data(), record_field::kPathLen)} +
                                  GetField<std::uint32_t>(body.data(), record_field::kTextLen);
    if (covered > body_size ||
        checksum != FrameChecksum(FrameType::kRecord, body_size, body.first(covered))) {
      return stop("corrupt record (checksum mismatch)");
    }
    LogRecord record;
    const std::string problem = DecodeRecordBody(body, contents.records.size() + 1, head_size, record);
    if (!problem.empty()) return stop("corrupt record: " + problem);
    contents.records.push_back(std::move(record));
    offset += kFrameHeadSize + body_size;
  }
  return contents;
}

dioh::Result<LogContents> ReadLogFile(const std::string& path) {
  auto bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  auto contents = ParseLog(*bytes);
  if (!contents.ok()) return contents.status().WithContext(path);
  return contents;
}

}  // namespace diofs::oplog
