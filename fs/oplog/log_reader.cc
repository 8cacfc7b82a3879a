#include "fs/oplog/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// What the frame at the start of the rest of a log is.
struct Frame {
  enum class Kind { kRecord, kTrailer, kDamage };
  Kind kind = Kind::kDamage;
  std::size_t size = 0;  // head and body, for a record or a trailer
  std::string damage;    // why the good part ends here
  LogTrailer trailer;
};

Frame Damaged(std::string what) {
  Frame frame;
  frame.damage = std::move(what);
  return frame;
}

// Decodes the frame at the start of `rest`: the log's remaining `left`
// bytes, of which `rest` holds at least the whole frame when the frame's
// stated size fits in `left` (and at least its head otherwise). `records`
// is how many good records precede it.
Frame DecodeFrame(Bytes rest, std::uint64_t left, const LogHeader& header, std::uint64_t records, LogRecord& record) {
  if (left < kFrameHeadSize) {
    return Damaged("torn frame: " + std::to_string(left) + " of " + std::to_string(kFrameHeadSize) +
                   " frame-head bytes");
  }
  const std::uint32_t body_size = GetField<std::uint32_t>(rest.data(), frame_field::kBodySize);
  const std::uint16_t type = GetField<std::uint16_t>(rest.data(), frame_field::kType);
  const std::uint16_t reserved = GetField<std::uint16_t>(rest.data(), frame_field::kReserved);
  const std::uint64_t checksum = GetField<std::uint64_t>(rest.data(), frame_field::kChecksum);
  const bool is_record = type == static_cast<std::uint16_t>(FrameType::kRecord);
  const bool is_trailer = type == static_cast<std::uint16_t>(FrameType::kTrailer);
  if ((!is_record && !is_trailer) || reserved != 0) return Damaged("corrupt frame head (bad type)");
  if (body_size > left - kFrameHeadSize) {
    return Damaged("torn record (or corrupt length): frame needs " + std::to_string(body_size) + " body bytes, " +
                   std::to_string(left - kFrameHeadSize) + " remain");
  }
  const Bytes body = rest.subspan(kFrameHeadSize, body_size);
  Frame frame;
  frame.size = kFrameHeadSize + body_size;
  if (is_trailer) {
    if (body_size != kTrailerBodySize || checksum != FrameChecksum(FrameType::kTrailer, body_size, body)) {
      return Damaged("corrupt trailer (checksum mismatch)");
    }
    frame.trailer = LogTrailer{GetField<std::uint64_t>(body.data(), 0), GetField<std::uint64_t>(body.data(), 8),
                               GetField<std::uint64_t>(body.data(), 16)};
    if (frame.trailer.record_count != records) {
      return Damaged("trailer counts " + std::to_string(frame.trailer.record_count) + " records, the log holds " +
                     std::to_string(records));
    }
    frame.kind = Frame::Kind::kTrailer;
    return frame;
  }
  const std::size_t head_size = RecordHeadSize(header.version);
  if (body_size < head_size) return Damaged("corrupt record: frame shorter than a record head");
  const std::uint64_t covered = head_size + std::uint64_t{GetField<std::uint32_t>(body.data(), record_field::kPathLen)} +
                                GetField<std::uint32_t>(body.data(), record_field::kTextLen);
  if (covered > body_size || checksum != FrameChecksum(FrameType::kRecord, body_size, body.first(covered))) {
    return Damaged("corrupt record (checksum mismatch)");
  }
  record = LogRecord();
  const std::string problem = DecodeRecordBody(body, records + 1, head_size, record);
  if (!problem.empty()) return Damaged("corrupt record: " + problem);
  frame.kind = Frame::Kind::kRecord;
  return frame;
}

}  // namespace

dioh::Result<LogContents> ParseLog(Bytes bytes) {
  LogContents contents;
  contents.file_size = bytes.size();
  std::size_t offset = 0;
  auto header = ParseHeader(bytes, offset);
  if (!header.ok()) return header.status();
  contents.header = std::move(*header);
  LogRecord record;
  while (offset < bytes.size()) {
    const Bytes rest = bytes.subspan(offset);
    const Frame frame = contents.trailer ? Damaged(std::to_string(rest.size()) + " bytes after the trailer")
                                         : DecodeFrame(rest, rest.size(), contents.header, contents.records.size(), record);
    if (frame.kind == Frame::Kind::kDamage) {
      contents.damage = Damage(offset, frame.damage);
      contents.damage_offset = offset;
      return contents;
    }
    if (frame.kind == Frame::Kind::kTrailer) contents.trailer = frame.trailer;
    if (frame.kind == Frame::Kind::kRecord) contents.records.push_back(std::move(record));
    offset += frame.size;
  }
  return contents;
}

dioh::Result<std::unique_ptr<LogFileReader>> LogFileReader::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return dioh::ErrnoStatus(errno, "cannot open " + path);
  std::unique_ptr<LogFileReader> reader(new LogFileReader(fd, path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) return dioh::ErrnoStatus(errno, "stat " + path);
  reader->file_size_ = static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0));
  DIOH_RETURN_IF_ERROR(reader->Fill(kHeaderFixedSize + kMaxProfileSize + kHeaderChecksumSize));
  std::size_t header_size = 0;
  auto header = ParseHeader(reader->Buffered(), header_size);
  if (!header.ok()) return header.status().WithContext(path);
  reader->header_ = std::move(*header);
  reader->offset_ = header_size;
  return reader;
}

LogFileReader::~LogFileReader() { ::close(fd_); }

std::span<const std::byte> LogFileReader::Buffered() const {
  return std::span<const std::byte>(buffer_).subspan(static_cast<std::size_t>(offset_ - buffer_start_));
}

// Makes the buffer hold `need` bytes from offset_ (fewer at the end of the
// file), keeping only what lies past offset_: memory stays about one frame.
dioh::Status LogFileReader::Fill(std::uint64_t need) {
  need = std::min(need, file_size_ - std::min(file_size_, offset_));
  if (buffer_start_ + buffer_.size() >= offset_ + need) return dioh::Status::Ok();
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_ - buffer_start_));
  buffer_start_ = offset_;
  const std::size_t want = static_cast<std::size_t>(std::max<std::uint64_t>(need, kReadPiece));
  while (buffer_.size() < need) {
    const std::size_t had = buffer_.size();
    buffer_.resize(want);
    const ssize_t n = ::pread(fd_, buffer_.data() + had, want - had, static_cast<off_t>(buffer_start_ + had));
    buffer_.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return dioh::ErrnoStatus(errno, "read " + path_);
    if (n == 0) return dioh::Status::Error(EIO, "read " + path_ + ": the file shrank while it was read");
  }
  return dioh::Status::Ok();
}

bool LogFileReader::Next(LogRecord& record) {
  if (ended_) return false;
  for (;;) {
    if (offset_ >= file_size_) return End(dioh::Status::Ok());
    if (trailer_) return End(Damage(offset_, std::to_string(file_size_ - offset_) + " bytes after the trailer"));
    if (dioh::Status filled = Fill(kFrameHeadSize); !filled.ok()) return End(filled);
    const std::uint64_t left = file_size_ - offset_;
    if (left >= kFrameHeadSize) {
      const std::uint64_t frame = kFrameHeadSize + GetField<std::uint32_t>(Buffered().data(), frame_field::kBodySize);
      if (frame <= left) {
        if (dioh::Status filled = Fill(frame); !filled.ok()) return End(filled);
      }
    }
    const Frame decoded = DecodeFrame(Buffered(), left, header_, records_, record);
    if (decoded.kind == Frame::Kind::kDamage) return End(Damage(offset_, decoded.damage));
    offset_ += decoded.size;
    if (decoded.kind == Frame::Kind::kTrailer) {
      trailer_ = decoded.trailer;
      continue;
    }
    ++records_;
    return true;
  }
}

bool LogFileReader::End(dioh::Status damage) {
  ended_ = true;
  if (!damage.ok()) {
    damage_ = std::move(damage);
    damage_offset_ = offset_;
  }
  buffer_ = {};
  return false;
}

std::optional<std::uint64_t> LogFileReader::TrailerCountHint() const {
  constexpr std::size_t kTrailerFrame = kFrameHeadSize + kTrailerBodySize;
  if (file_size_ < kTrailerFrame) return std::nullopt;
  std::byte tail[kTrailerFrame];
  if (::pread(fd_, tail, sizeof tail, static_cast<off_t>(file_size_ - kTrailerFrame)) !=
      static_cast<ssize_t>(sizeof tail)) {
    return std::nullopt;
  }
  const Bytes bytes(tail, sizeof tail);
  const Bytes body = bytes.subspan(kFrameHeadSize);
  if (GetField<std::uint16_t>(tail, frame_field::kType) != static_cast<std::uint16_t>(FrameType::kTrailer) ||
      GetField<std::uint32_t>(tail, frame_field::kBodySize) != kTrailerBodySize ||
      GetField<std::uint64_t>(tail, frame_field::kChecksum) != FrameChecksum(FrameType::kTrailer, kTrailerBodySize, body)) {
    return std::nullopt;
  }
  return GetField<std::uint64_t>(body.data(), 0);
}

dioh::Result<LogContents> ReadLogFile(const std::string& path) {
  auto reader = LogFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  LogContents contents;
  contents.header = (*reader)->header();
  contents.file_size = (*reader)->file_size();
  // Reserved from the trailer's count (checked as the records are read): a
  // vector grown by doubling would hold up to twice the records at its peak.
  const std::uint64_t most = contents.file_size / (kFrameHeadSize + kRecordHeadSizeV1);
  contents.records.reserve(static_cast<std::size_t>(std::min(most, (*reader)->TrailerCountHint().value_or(0))));
  for (LogRecord record; (*reader)->Next(record);) contents.records.push_back(std::move(record));
  contents.trailer = (*reader)->trailer();
  contents.damage = (*reader)->damage();
  contents.damage_offset = (*reader)->damage_offset();
  if (!contents.damage.ok() && contents.damage.code() != EBADMSG) return contents.damage.WithContext(path);
  return contents;
}

}  // namespace diofs::oplog
