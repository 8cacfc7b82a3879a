// Encoders for the fixed parts of a mapped-ram stream (savevm.c
// qemu_savevm_state_header / save_section_header / save_section_footer,
// ram.c ram_save_setup) and the synthetic device sections with their JSON
// description, so that scripts/analyze-migration.py accepts the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "migration/format/big_endian.h"
#include "migration/format/mapped_ram_layout.h"

namespace mrm::format {

void EncodeFileHeader(ByteWriter& w);
// 0x07, be32 len, name, then subsection configuration/capabilities v1.
void EncodeConfiguration(ByteWriter& w, const std::string& machine, const std::vector<std::string>& capabilities);
void EncodeSectionHeader(ByteWriter& w, uint8_t type, uint32_t section_id, const std::string& idstr,
                         uint32_t instance_id, uint32_t version_id);
void EncodeSectionShortHeader(ByteWriter& w, uint8_t type, uint32_t section_id);  // PART / END
void EncodeSectionFooter(ByteWriter& w, uint32_t section_id);
void EncodeSwitchoverStart(ByteWriter& w);  // 08 00 0b 00 00
// u8 len, idstr, be64 used_length, then the 28-byte MappedRamHeader.
void EncodeRamBlockRecord(ByteWriter& w, const std::string& idstr, uint64_t used_length, const MappedRamHeader& h);

// A device whose FULL section body is a sequence of fixed-size fields.
struct SyntheticDevice {
  std::string name;
  uint32_t instance_id = 0;
  uint32_t version_id = 1;
  struct Field {
    std::string name;
    std::string type;  // "uint32", "int64", "bool", "buffer"
    uint32_t size = 0;
  };
  std::vector<Field> fields;
  std::vector<uint8_t> body;  // exactly the sum of the field sizes
};

// A few small devices (timer, serial-like, globalstate) with seeded bodies.
std::vector<SyntheticDevice> MakeSyntheticDevices(uint64_t seed);

// {"configuration":…,"page_size":N,"devices":[…]} as QEMU's vmdesc writer emits it.
std::string BuildVmDescriptionJson(const std::string& machine, const std::vector<std::string>& capabilities,
                                   uint64_t page_size, const std::vector<SyntheticDevice>& devices);

// 0x00 EOF, 0x06, be32 len, JSON.
void EncodeEofAndVmDescription(ByteWriter& w, const std::string& json);

}  // namespace mrm::format
