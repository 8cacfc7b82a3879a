// A reader and validator of a whole QEMU mapped-ram migration file
// (savevm.c:qemu_loadvm_state() order, ram.c:ram_load_precopy() for "ram"):
// header, configuration, sections by type, RAM with per-block headers and
// bitmaps, commands, device FULL sections, EOF and the JSON description.
// Every error names the byte offset; QEMU's wording is used where it has one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/format/byte_source.h"
#include "migration/format/mapped_ram_layout.h"

namespace mrm::format {

struct SectionRecord {
  uint64_t offset = 0;  // of the type byte
  uint8_t type = 0;
  uint32_t section_id = 0;
  std::string idstr;    // START/FULL only; PART/END repeat the started one
  uint32_t instance_id = 0;
  uint32_t version_id = 0;
  uint64_t end_offset = 0;  // after the footer
};

struct CommandRecord {
  uint64_t offset = 0;
  uint16_t command = 0;
  uint16_t length = 0;
};

struct RamBlockRecord {
  uint64_t record_offset = 0;  // the u8 idstr length
  std::string idstr;
  uint64_t used_length = 0;
  uint64_t header_offset = 0;
  MappedRamHeader header;
  std::vector<uint8_t> bitmap;  // raw, BitmapSizeBytes(pages) bytes
  uint64_t pages = 0;
  uint64_t data_pages = 0;      // set bits among the first `pages`
};

struct VmDescDevice {
  std::string name;
  uint32_t instance_id = 0;
};

struct ParsedStream {
  uint64_t file_size = 0;
  uint64_t stream_start = 0;
  std::string machine;
  uint32_t capabilities_version = 0;
  std::vector<std::string> capabilities;
  std::vector<SectionRecord> sections;
  std::vector<CommandRecord> commands;
  uint32_t ram_section_id = 0;
  uint64_t ram_total_length = 0;  // the MEM_SIZE record
  std::vector<RamBlockRecord> ram_blocks;
  std::vector<std::string> ram_sections_after_start;  // "part", "end"
  size_t device_sections = 0;
  uint64_t eof_offset = 0;
  uint64_t vmdesc_offset = 0;
  std::string vmdesc_json;
  uint64_t vmdesc_page_size = 0;
  std::vector<VmDescDevice> vmdesc_devices;

  bool HasCapability(const std::string& name) const;
};

// Parses and validates the file. Bitmaps are read (they are small); pages are
// not. `stream_start` is the file:…,offset=N the stream begins at; offsets
// inside the stream are absolute file offsets.
dioh::Result<ParsedStream> ParseMigrationFile(const ByteSource& source, uint64_t stream_start = 0);

// Name of a section type byte ("start", "part", ...), for reports and errors.
const char* SectionTypeName(uint8_t type);

}  // namespace mrm::format
