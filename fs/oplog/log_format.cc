#include "fs/oplog/log_format.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "fs/oplog/byte_order.h"

namespace diofs::oplog {

std::uint64_t PayloadHashAvx2(const void* data, std::size_t size);  // payload_hash_avx2.cc
namespace {

bool KeepsData(const OpEvent& event, bool keep_data) {
  return keep_data && !event.data.empty() && event.data.size() <= kMaxKeptDataSize;
}

void PutFrameHead(std::byte* out, FrameType type, std::uint32_t body_size,
                  std::uint64_t checksum) {
  PutField<std::uint32_t>(out, frame_field::kBodySize, body_size);
  PutField<std::uint16_t>(out, frame_field::kType, static_cast<std::uint16_t>(type));
  PutField<std::uint16_t>(out, frame_field::kReserved, 0);
  PutField<std::uint64_t>(out, frame_field::kChecksum, checksum);
}

}  // namespace

std::uint64_t HashData(std::span<const std::byte> data) {
  if (data.empty()) return 0;
  // The payload hash runs on the FUSE write path: use AVX2 where the CPU has it.
  static const bool kAvx2 = __builtin_cpu_supports("avx2");
  return kAvx2 ? PayloadHashAvx2(data.data(), data.size()) : XXH3_64bits(data.data(), data.size());
}

std::uint64_t FrameChecksum(FrameType type, std::uint32_t body_size,
                            std::span<const std::byte> covered) {
  const std::uint64_t seed = (std::uint64_t{static_cast<std::uint16_t>(type)} << 32) | body_size;
  return XXH3_64bits_withSeed(covered.data(), covered.size(), seed);
}

std::vector<std::byte> EncodeHeader(const LogHeader& header) {
  const std::size_t profile_size = std::min(header.profile.size(), kMaxProfileSize);
  const std::size_t total = kHeaderFixedSize + profile_size + kHeaderChecksumSize;
  std::vector<std::byte> out(total);
  std::byte* base = out.data();
  std::memcpy(base + header_field::kMagic, kLogMagic, sizeof(kLogMagic));
  PutField<std::uint32_t>(base, header_field::kVersion, header.version);
  PutField<std::uint32_t>(base, header_field::kHeaderSize, static_cast<std::uint32_t>(total));
  PutField<std::uint32_t>(base, header_field::kMaxWrite, header.max_write);
  PutField<std::uint32_t>(base, header_field::kFlags, header.keep_data ? kHeaderFlagKeepData : 0);
  PutField<std::uint64_t>(base, header_field::kStartRealtime, header.start_realtime_ns);
  PutField<std::uint64_t>(base, header_field::kStartMonotonic, header.start_monotonic_ns);
  PutField<std::uint32_t>(base, header_field::kProfileLen, static_cast<std::uint32_t>(profile_size));
  std::memcpy(base + kHeaderFixedSize, header.profile.data(), profile_size);
  const std::size_t covered = kHeaderFixedSize + profile_size;
  PutField<std::uint64_t>(base, covered, XXH3_64bits(base, covered));
  return out;
}

std::size_t RecordFrameSize(const OpEvent& event, bool keep_data) {
  return kFrameHeadSize + kRecordHeadSize + event.path.size() + event.text.size() +
         (KeepsData(event, keep_data) ? event.data.size() : 0);
}

void EncodeRecordHead(const OpEvent& event, std::uint64_t seq, bool keep_data, std::byte* out) {
  namespace f = record_field;
  const bool kept = KeepsData(event, keep_data);
  std::byte* body = out + kFrameHeadSize;
  PutField<std::uint64_t>(body, f::kSeq, seq);
  PutField<std::uint64_t>(body, f::kStartNs, event.start_ns);
  PutField<std::uint64_t>(body, f::kEndNs, event.end_ns);
  PutField<std::uint64_t>(body, f::kIno, event.ino);
  PutField<std::uint64_t>(body, f::kFh, event.fh);
  PutField<std::uint64_t>(body, f::kOffset, event.offset);
  PutField<std::uint64_t>(body, f::kLength, event.length);
  PutField<std::int64_t>(body, f::kResult, event.result);
  PutField<std::uint64_t>(body, f::kDataHash, 0);
  PutField<std::uint64_t>(body, f::kDataSize, event.data.size());
  PutField<std::uint32_t>(body, f::kPid, event.pid);
  PutField<std::uint32_t>(body, f::kTid, event.tid);
  PutField<std::uint32_t>(body, f::kFlags, event.flags);
  PutField<std::uint32_t>(body, f::kAux, event.aux);
  PutField<std::uint32_t>(body, f::kPathLen, static_cast<std::uint32_t>(event.path.size()));
  PutField<std::uint32_t>(body, f::kTextLen, static_cast<std::uint32_t>(event.text.size()));
  PutField<std::uint8_t>(body, f::kKind, static_cast<std::uint8_t>(event.kind));
  PutField<std::uint8_t>(body, f::kRule, static_cast<std::uint8_t>(event.rule));
  PutField<std::uint8_t>(body, f::kVerdict, static_cast<std::uint8_t>(event.verdict));
  PutField<std::uint8_t>(body, f::kRecordFlags, kept ? kRecordFlagDataKept : 0);
  PutField<std::uint32_t>(body, f::kPgid, event.pgid);
  std::byte* cursor = body + kRecordHeadSize;
  if (!event.path.empty()) std::memcpy(cursor, event.path.data(), event.path.size());
  cursor += event.path.size();
  if (!event.text.empty()) std::memcpy(cursor, event.text.data(), event.text.size());
}

void SealRecordFrame(std::byte* out, std::uint64_t data_hash, std::span<const std::byte> data) {
  namespace f = record_field;
  std::byte* body = out + kFrameHeadSize;
  const bool kept = (GetField<std::uint8_t>(body, f::kRecordFlags) & kRecordFlagDataKept) != 0;
  PutField<std::uint64_t>(body, f::kDataHash, data_hash);
  // The checksum covers head, path and text; kept data is covered by data_hash.
  const std::size_t covered =
      kRecordHeadSize + GetField<std::uint32_t>(body, f::kPathLen) + GetField<std::uint32_t>(body, f::kTextLen);
  if (kept) std::memcpy(body + covered, data.data(), data.size());
  const auto body_size = static_cast<std::uint32_t>(covered + (kept ? data.size() : 0));
  PutFrameHead(out, FrameType::kRecord, body_size, FrameChecksum(FrameType::kRecord, body_size, {body, covered}));
}

void EncodeRecordFrame(const OpEvent& event, std::uint64_t seq, std::uint64_t data_hash,
                       bool keep_data, std::byte* out) {
  EncodeRecordHead(event, seq, keep_data, out);
  SealRecordFrame(out, data_hash, event.data);
}

std::vector<std::byte> EncodeTrailerFrame(const LogTrailer& trailer) {
  std::vector<std::byte> out(kFrameHeadSize + kTrailerBodySize);
  std::byte* body = out.data() + kFrameHeadSize;
  PutField<std::uint64_t>(body, 0, trailer.record_count);
  PutField<std::uint64_t>(body, 8, trailer.end_realtime_ns);
  PutField<std::uint64_t>(body, 16, trailer.end_monotonic_ns);
  PutFrameHead(out.data(), FrameType::kTrailer, kTrailerBodySize,
               FrameChecksum(FrameType::kTrailer, kTrailerBodySize, {body, kTrailerBodySize}));
  return out;
}

}  // namespace diofs::oplog
