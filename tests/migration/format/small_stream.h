// Test helper: a small but complete mapped-ram file built from the encoders,
// with the offsets of each record so tests can cut and corrupt it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "migration/format/mapped_ram_layout.h"
#include "migration/format/stream_constants.h"
#include "migration/format/stream_encoder.h"

namespace mrm::format::testing {

struct SmallStream {
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> boundaries;  // start of every record / section
  std::vector<BlockLayout> layouts;
};

// Blocks "pc.ram" (2 MiB) and "/rom@etc/x" (8 KiB); every third page of
// pc.ram and page 1 of the ROM carry data.
inline SmallStream BuildSmallStream(const std::string& machine = "pc-q35-9.1",
                                    RegionRounding rounding = RegionRounding::kAbsolute1MiB) {
  SmallStream s;
  ByteWriter w(&s.bytes);
  const std::vector<std::string> caps = {kMappedRamCapability};
  const std::vector<std::pair<std::string, uint64_t>> blocks = {{"pc.ram", 2u << 20}, {"/rom@etc/x", 8192}};
  EncodeFileHeader(w);
  s.boundaries.push_back(w.size());
  EncodeConfiguration(w, machine, caps);
  s.boundaries.push_back(w.size());
  EncodeSectionHeader(w, kSectionStart, 2, kRamIdstr, 0, kRamSectionVersion);
  w.Be64(((2u << 20) + 8192) | kRamFlagMemSize);
  for (const auto& [idstr, used] : blocks) {
    s.boundaries.push_back(w.size());
    BlockLayout l = ComputeBlockLayout(w.size(), idstr.size(), used, kTargetPageSize, rounding);
    EncodeRamBlockRecord(w, idstr, used, {kMappedRamHeaderVersion, kTargetPageSize, l.bitmap_offset, l.pages_offset});
    s.bytes.resize(l.next_record_offset, 0);
    const uint64_t pages = used / kTargetPageSize;
    for (uint64_t p = 0; p < pages; ++p) {
      const bool data = idstr == "pc.ram" ? p % 3 == 0 : p == 1;
      if (!data) continue;
      s.bytes[l.bitmap_offset + p / 8] |= static_cast<uint8_t>(1u << (p % 8));
      s.bytes[l.pages_offset + p * kTargetPageSize] = static_cast<uint8_t>(p + 1);
    }
    s.layouts.push_back(l);
  }
  s.boundaries.push_back(w.size());
  w.Be64(kRamFlagEos);
  EncodeSectionFooter(w, 2);
  for (uint8_t type : {kSectionPart, kSectionEnd}) {
    if (type == kSectionEnd) {
      s.boundaries.push_back(w.size());
      EncodeSwitchoverStart(w);
    }
    s.boundaries.push_back(w.size());
    EncodeSectionShortHeader(w, type, 2);
    w.Be64(kRamFlagEos);
    EncodeSectionFooter(w, 2);
  }
  std::vector<SyntheticDevice> devices = MakeSyntheticDevices(7);
  uint32_t id = 3;
  for (const SyntheticDevice& d : devices) {
    s.boundaries.push_back(w.size());
    EncodeSectionHeader(w, kSectionFull, id, d.name, d.instance_id, d.version_id);
    s.bytes.insert(s.bytes.end(), d.body.begin(), d.body.end());
    EncodeSectionFooter(w, id++);
  }
  s.boundaries.push_back(w.size());
  EncodeEofAndVmDescription(w, BuildVmDescriptionJson(machine, caps, kTargetPageSize, devices));
  return s;
}

}  // namespace mrm::format::testing
