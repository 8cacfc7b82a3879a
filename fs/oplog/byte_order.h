// Little-endian field access for the op-log encoder and decoder. The host is
// little-endian (static_assert in log_format.h), so a field is a memcpy; the
// functions exist so that every offset is written once, with its width.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace diofs::oplog {

template <typename T>
inline void PutField(std::byte* base, std::size_t offset, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::memcpy(base + offset, &value, sizeof(T));
}

template <typename T>
inline T GetField(const std::byte* base, std::size_t offset) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  std::memcpy(&value, base + offset, sizeof(T));
  return value;
}

// Offsets inside the fixed record head (LOG_FORMAT.md, "Record body").
namespace record_field {
inline constexpr std::size_t kSeq = 0;
inline constexpr std::size_t kStartNs = 8;
inline constexpr std::size_t kEndNs = 16;
inline constexpr std::size_t kIno = 24;
inline constexpr std::size_t kFh = 32;
inline constexpr std::size_t kOffset = 40;
inline constexpr std::size_t kLength = 48;
inline constexpr std::size_t kResult = 56;
inline constexpr std::size_t kDataHash = 64;
inline constexpr std::size_t kDataSize = 72;
inline constexpr std::size_t kPid = 80;
inline constexpr std::size_t kTid = 84;
inline constexpr std::size_t kFlags = 88;
inline constexpr std::size_t kAux = 92;
inline constexpr std::size_t kPathLen = 96;
inline constexpr std::size_t kTextLen = 100;
inline constexpr std::size_t kKind = 104;
inline constexpr std::size_t kRule = 105;
inline constexpr std::size_t kVerdict = 106;
inline constexpr std::size_t kRecordFlags = 107;
inline constexpr std::size_t kPgid = 108;  // version 2 on
}  // namespace record_field

// Offsets inside the frame head.
namespace frame_field {
inline constexpr std::size_t kBodySize = 0;
inline constexpr std::size_t kType = 4;
inline constexpr std::size_t kReserved = 6;
inline constexpr std::size_t kChecksum = 8;
}  // namespace frame_field

// Offsets inside the header.
namespace header_field {
inline constexpr std::size_t kMagic = 0;
inline constexpr std::size_t kVersion = 8;
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::size_t kMaxWrite = 16;
inline constexpr std::size_t kFlags = 20;
inline constexpr std::size_t kStartRealtime = 24;
inline constexpr std::size_t kStartMonotonic = 32;
inline constexpr std::size_t kProfileLen = 40;
}  // namespace header_field

}  // namespace diofs::oplog
