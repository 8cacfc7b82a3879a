// `mrmigrate inspect`: what a parsed mapped-ram file holds, as a report
// struct with text and JSON renderings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/format/byte_source.h"
#include "migration/format/stream_parser.h"

namespace mrm::format {

struct InspectedBlock {
  std::string idstr;
  uint64_t record_offset = 0;
  uint64_t used_length = 0;
  uint64_t page_size = 0;
  uint64_t bitmap_offset = 0;
  uint64_t pages_offset = 0;
  uint64_t pages = 0;
  uint64_t data_pages = 0;
  bool pages_offset_1mib_aligned = false;  // MAPPED_RAM_FILE_OFFSET_ALIGNMENT
};

struct InspectReport {
  uint64_t file_size = 0;
  uint64_t stream_start = 0;
  std::string machine;
  std::vector<std::string> capabilities;
  std::vector<std::string> ram_sections_after_start;
  bool switchover_start = false;
  uint32_t ram_section_id = 0;
  uint64_t ram_total_length = 0;
  std::vector<InspectedBlock> blocks;
  size_t device_sections = 0;
  uint64_t vmdesc_page_size = 0;
  uint64_t eof_offset = 0;
  uint64_t vmdesc_offset = 0;
  std::vector<SectionRecord> sections;
};

InspectReport BuildInspectReport(const ParsedStream& stream);
dioh::Result<InspectReport> Inspect(const ByteSource& source, uint64_t stream_start = 0);

std::string RenderInspectText(const InspectReport& report);
std::string RenderInspectJson(const InspectReport& report);  // pretty, ends in '\n'

}  // namespace mrm::format
