#include "migration/format/inspect.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "migration/format/stream_constants.h"

namespace mrm::format {

InspectReport BuildInspectReport(const ParsedStream& s) {
  InspectReport r;
  r.file_size = s.file_size;
  r.stream_start = s.stream_start;
  r.machine = s.machine;
  r.capabilities = s.capabilities;
  r.ram_sections_after_start = s.ram_sections_after_start;
  for (const CommandRecord& c : s.commands) r.switchover_start |= c.command == kCmdSwitchoverStart;
  r.ram_section_id = s.ram_section_id;
  r.ram_total_length = s.ram_total_length;
  for (const RamBlockRecord& b : s.ram_blocks) {
    r.blocks.push_back({b.idstr, b.record_offset, b.used_length, b.header.page_size, b.header.bitmap_offset,
                        b.header.pages_offset, b.pages, b.data_pages,
                        b.header.pages_offset % kMappedRamFileOffsetAlignment == 0});
  }
  r.device_sections = s.device_sections;
  r.vmdesc_page_size = s.vmdesc_page_size;
  r.eof_offset = s.eof_offset;
  r.vmdesc_offset = s.vmdesc_offset;
  r.sections = s.sections;
  return r;
}

dioh::Result<InspectReport> Inspect(const ByteSource& source, uint64_t stream_start) {
  dioh::Result<ParsedStream> parsed = ParseMigrationFile(source, stream_start);
  if (!parsed.ok()) return parsed.status();
  return BuildInspectReport(*parsed);
}

namespace {
std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}
}  // namespace

std::string RenderInspectText(const InspectReport& r) {
  std::ostringstream o;
  o << "file size: " << r.file_size << " bytes, stream starts at " << r.stream_start << "\n"
    << "machine: " << r.machine << "\n"
    << "capabilities: " << Join(r.capabilities) << "\n"
    << "RAM section id " << r.ram_section_id << ", total " << r.ram_total_length
    << " bytes; sections after the start: " << Join(r.ram_sections_after_start) << "\n"
    << "switchover-start command: " << (r.switchover_start ? "yes" : "no") << "\n"
    << "device sections: " << r.device_sections << "\n"
    << "vmdesc page_size: " << r.vmdesc_page_size << "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %12s %12s %12s %8s %10s %s\n", "block", "used_length", "bitmap_offset",
                "pages_offset", "pages", "data_pages", "region 1MiB-aligned");
  o << line;
  for (const InspectedBlock& b : r.blocks) {
    std::snprintf(line, sizeof line, "%-24s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8" PRIu64 " %10" PRIu64 " %s\n",
                  b.idstr.c_str(), b.used_length, b.bitmap_offset, b.pages_offset, b.pages, b.data_pages,
                  b.pages_offset_1mib_aligned ? "yes" : "NO");
    o << line;
  }
  o << "sections:\n";
  for (const SectionRecord& s : r.sections) {
    std::snprintf(line, sizeof line, "  0x%08" PRIx64 " %-5s id %u %s\n", s.offset, SectionTypeName(s.type),
                  s.section_id, s.idstr.c_str());
    o << line;
  }
  std::snprintf(line, sizeof line, "EOF at 0x%" PRIx64 ", VMDESCRIPTION at 0x%" PRIx64 "\n", r.eof_offset,
                r.vmdesc_offset);
  o << line;
  return o.str();
}

std::string RenderInspectJson(const InspectReport& r) {
  nlohmann::json j;
  j["file_size"] = r.file_size;
  j["stream_start"] = r.stream_start;
  j["machine"] = r.machine;
  j["capabilities"] = r.capabilities;
  j["ram_section_id"] = r.ram_section_id;
  j["ram_total_length"] = r.ram_total_length;
  j["ram_sections_after_start"] = r.ram_sections_after_start;
  j["switchover_start"] = r.switchover_start;
  j["device_sections"] = r.device_sections;
  j["vmdesc_page_size"] = r.vmdesc_page_size;
  j["eof_offset"] = r.eof_offset;
  j["vmdesc_offset"] = r.vmdesc_offset;
  j["blocks"] = nlohmann::json::array();
  for (const InspectedBlock& b : r.blocks) {
    j["blocks"].push_back({{"idstr", b.idstr},
                           {"record_offset", b.record_offset},
                           {"used_length", b.used_length},
                           {"page_size", b.page_size},
                           {"bitmap_offset", b.bitmap_offset},
                           {"pages_offset", b.pages_offset},
                           {"pages", b.pages},
                           {"data_pages", b.data_pages},
                           {"pages_offset_1mib_aligned", b.pages_offset_1mib_aligned}});
  }
  j["sections"] = nlohmann::json::array();
  for (const SectionRecord& s : r.sections) {
    j["sections"].push_back({{"offset", s.offset},
                             {"type", SectionTypeName(s.type)},
                             {"section_id", s.section_id},
                             {"idstr", s.idstr},
                             {"end_offset", s.end_offset}});
  }
  // A block name or idstr from the file may be any bytes: U+FFFD, never a throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mrm::format
