// The diofs op-log format (LOG_FORMAT.md beside this file): the header, the
// framed records and the trailer, as plain structs plus the functions that
// encode them. Decoding lives in log_reader.h; both sides use the constants
// and offsets defined here, so the two cannot drift apart.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fs/core/op_event.h"

namespace diofs::oplog {

static_assert(std::endian::native == std::endian::little,
              "the op log is little-endian and encoded with memcpy");

inline constexpr char kLogMagic[8] = {'D', 'I', 'O', 'F', 'S', 'L', 'O', 'G'};
inline constexpr std::uint32_t kFormatVersion = 2;  // 2 added the process group (pgid)
inline constexpr std::size_t kHeaderFixedSize = 44;   // up to the profile bytes
inline constexpr std::size_t kHeaderChecksumSize = 8;
inline constexpr std::size_t kMaxProfileSize = 4096;
inline constexpr std::size_t kFrameHeadSize = 16;     // body_size, type, reserved, checksum
inline constexpr std::size_t kRecordHeadSize = 112;   // fixed part of a record body
inline constexpr std::size_t kRecordHeadSizeV1 = 108; // version 1 had no pgid
// The fixed part of a record body in a log of `version` (1 or 2).
constexpr std::size_t RecordHeadSize(std::uint32_t version) { return version == 1 ? kRecordHeadSizeV1 : kRecordHeadSize; }
inline constexpr std::size_t kTrailerBodySize = 24;
inline constexpr std::uint32_t kHeaderFlagKeepData = 1u << 0;
inline constexpr std::uint8_t kRecordFlagDataKept = 1u << 0;
// Payloads above this are hashed but not kept, so that a frame's size fits in 32 bits.
inline constexpr std::uint64_t kMaxKeptDataSize = 256u << 20;

enum class FrameType : std::uint16_t { kRecord = 1, kTrailer = 2 };

// What the daemon knows when it opens the log.
struct LogHeaderInfo {
  std::string profile;          // profile name, e.g. "strict-4k"
  std::uint32_t max_write = 0;  // FUSE max_write in bytes
  bool keep_data = false;       // --log-data: keep write payloads for replay
};

struct LogHeader {
  std::uint32_t version = kFormatVersion;
  std::string profile;
  std::uint32_t max_write = 0;
  bool keep_data = false;
  std::uint64_t start_realtime_ns = 0;   // CLOCK_REALTIME at open
  std::uint64_t start_monotonic_ns = 0;  // CLOCK_MONOTONIC at open (the clock of OpEvent times)
};

// One record, as the reader returns it: every OpEvent field, owned.
struct LogRecord {
  std::uint64_t seq = 0;  // assigned by the writer: 1, 2, 3, ... without gaps
  OpKind kind = OpKind::kOpen;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::uint32_t pgid = 0;  // the caller's process group (0 in a version 1 log)
  std::uint64_t ino = 0;
  std::string path;
  std::uint64_t fh = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t flags = 0;
  std::uint32_t aux = 0;
  std::int64_t result = 0;
  Rule rule = Rule::kNone;
  Verdict verdict = Verdict::kPass;
  std::uint64_t data_size = 0;  // bytes of payload the event carried (hashed)
  std::uint64_t data_hash = 0;  // XXH3_64bits of the payload; 0 when data_size is 0
  bool data_kept = false;       // `data` holds the payload (log opened with keep_data)
  std::vector<std::byte> data;
  std::string text;
};

struct LogTrailer {
  std::uint64_t record_count = 0;
  std::uint64_t end_realtime_ns = 0;
  std::uint64_t end_monotonic_ns = 0;
};

std::vector<std::byte> EncodeHeader(const LogHeader& header);

// Bytes the frame of `event` takes (frame head + record body).
std::size_t RecordFrameSize(const OpEvent& event, bool keep_data);
// Encodes the frame of `event` into `out` (RecordFrameSize bytes). `data_hash`
// is XXH3_64bits of event.data, computed by the caller (outside any lock).
void EncodeRecordFrame(const OpEvent& event, std::uint64_t seq, std::uint64_t data_hash,
                       bool keep_data, std::byte* out);
// The same frame in two steps, so that the payload work can wait until the
// op's reply is sent: EncodeRecordHead writes all but the payload's hash, its
// copy (when kept) and the frame checksum; SealRecordFrame adds those, from
// event.data, to the frame EncodeRecordHead wrote. A frame is valid only
// once sealed.
void EncodeRecordHead(const OpEvent& event, std::uint64_t seq, bool keep_data, std::byte* out);
void SealRecordFrame(std::byte* out, std::uint64_t data_hash, std::span<const std::byte> data);

std::vector<std::byte> EncodeTrailerFrame(const LogTrailer& trailer);

// XXH3_64bits of a payload, 0 for an empty one (the value stored in data_hash).
std::uint64_t HashData(std::span<const std::byte> data);
// The frame checksum: XXH3_64bits_withSeed over `covered`, seeded by type and size.
std::uint64_t FrameChecksum(FrameType type, std::uint32_t body_size,
                            std::span<const std::byte> covered);

}  // namespace diofs::oplog
