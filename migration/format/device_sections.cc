#include "migration/format/device_sections.h"

#include <string.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "migration/format/big_endian.h"
#include "migration/format/stream_constants.h"

namespace mrm::format {
namespace {

// Up to `n` bytes at `offset` (fewer near the end); never fails the cursor.
std::vector<uint8_t> PeekUpTo(StreamCursor& cursor, uint64_t offset, uint64_t n) {
  if (offset >= cursor.file_size()) return {};
  n = std::min(n, cursor.file_size() - offset);
  return cursor.BytesAt(offset, n, "a device section");
}

bool IsPrintable(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

bool IsKnownDevice(const ParsedStream& stream, const std::string& name, uint32_t instance) {
  if (stream.vmdesc_devices.empty()) return true;
  return std::any_of(stream.vmdesc_devices.begin(), stream.vmdesc_devices.end(),
                     [&](const VmDescDevice& d) { return d.name == name && d.instance_id == instance; });
}

// Is there a footer of `section_id` at `p` followed by a valid next record?
bool IsFooterAt(StreamCursor& cursor, uint64_t p, uint32_t section_id, const ParsedStream& stream) {
  std::vector<uint8_t> b = PeekUpTo(cursor, p, 5 + 1 + 4 + 1 + 255 + 8);
  if (b.size() < 6 || b[0] != kSectionFooter || LoadBe(&b[1], 4) != section_id) return false;
  const uint64_t next = p + 5;
  if (b[5] == kEof) {
    if (stream.vmdesc_offset != 0) return next + 1 == stream.vmdesc_offset;
    return next + 1 == cursor.file_size() || (b.size() > 6 && b[6] == kVmDescription);
  }
  if (b[5] != kSectionFull || b.size() < 11) return false;
  const size_t len = b[10];
  if (len == 0 || b.size() < 11 + len + 8 || !IsPrintable(&b[11], len)) return false;
  const std::string name(b.begin() + 11, b.begin() + 11 + static_cast<long>(len));
  return IsKnownDevice(stream, name, static_cast<uint32_t>(LoadBe(&b[11 + len], 4)));
}

}  // namespace

std::optional<uint64_t> LocateVmDescription(const ByteSource& source) {
  const uint64_t size = source.size();
  if (size < 8) return std::nullopt;
  // analyze-migration.py reads the last 10 MB; a description is never larger.
  // Most are far smaller, so try a short tail first.
  for (uint64_t want : {uint64_t{64} * 1024, uint64_t{10} * 1024 * 1024}) {
    const uint64_t tail_len = std::min(size, want);
    std::vector<uint8_t> tail(tail_len);
    if (!source.ReadAt(size - tail_len, tail).ok()) return std::nullopt;
    // The JSON holds no NUL byte, so the last NUL of the file is the EOF
    // marker or one of the four length bytes right before the '{'.
    const void* last_nul = memrchr(tail.data(), 0, tail.size());
    if (last_nul == nullptr) {
      if (tail_len == size) return std::nullopt;
      continue;
    }
    const uint64_t nul = static_cast<uint64_t>(static_cast<const uint8_t*>(last_nul) - tail.data());
    for (uint64_t i = nul + 1; i + 4 >= nul && i >= 1; --i) {
      if (i + 5 >= tail_len) continue;
      if (tail[i] != kVmDescription || tail[i - 1] != kEof || tail[i + 5] != '{') continue;
      if (LoadBe(&tail[i + 1], 4) == tail_len - i - 5) return size - tail_len + i;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

dioh::Status ParseVmDescription(const std::string& json, uint64_t offset, ParsedStream* out) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return FormatError(offset, "VMDESCRIPTION is not a JSON object");
  auto page_size = j.find("page_size");
  if (page_size == j.end() || !page_size->is_number_unsigned()) {
    return FormatError(offset, "VMDESCRIPTION has no page_size");
  }
  out->vmdesc_page_size = page_size->get<uint64_t>();
  auto devices = j.find("devices");
  if (devices == j.end() || !devices->is_array()) return FormatError(offset, "VMDESCRIPTION has no devices");
  for (const auto& d : *devices) {
    auto name = d.find("name");
    auto instance = d.find("instance_id");
    if (!d.is_object() || name == d.end() || !name->is_string() || instance == d.end() ||
        !instance->is_number_unsigned()) {
      return FormatError(offset, "VMDESCRIPTION device without name or instance_id");
    }
    // analyze-migration.py refuses a device described without fields.
    if (d.find("fields") == d.end()) {
      return FormatError(offset, "vmstate for device " + name->get<std::string>() + " has no fields");
    }
    out->vmdesc_devices.push_back({name->get<std::string>(), instance->get<uint32_t>()});
  }
  return dioh::Status::Ok();
}

void SkipDeviceBody(StreamCursor& cursor, uint32_t section_id, const ParsedStream& stream,
                    size_t /*device_index*/, const std::string& idstr) {
  const uint64_t start = cursor.offset();
  const uint64_t limit = stream.vmdesc_offset != 0 ? stream.vmdesc_offset : cursor.file_size();
  constexpr uint64_t kChunk = 64 * 1024;
  for (uint64_t pos = start; pos < limit && cursor.ok(); pos += kChunk) {
    std::vector<uint8_t> chunk = PeekUpTo(cursor, pos, std::min(kChunk, limit - pos));
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (chunk[i] == kSectionFooter && IsFooterAt(cursor, pos + i, section_id, stream)) {
        cursor.Seek(pos + i);
        return;
      }
    }
  }
  cursor.Fail(start, "Missing section footer for " + idstr);
}

}  // namespace mrm::format
