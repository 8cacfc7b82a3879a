#include "migration/format/stream_parser.h"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>

#include "migration/format/device_sections.h"
#include "migration/format/stream_constants.h"

namespace mrm::format {
namespace {

class Parser {
 public:
  Parser(const ByteSource& source, uint64_t stream_start) : source_(source), cur_(source) {
    out_.stream_start = stream_start;
    cur_.Seek(stream_start);
  }
  dioh::Result<ParsedStream> Run();

 private:
  void Header();
  void Configuration();
  void StartOrFull(uint64_t at, uint8_t type);
  void PartOrEnd(uint64_t at, uint8_t type);
  void Command(uint64_t at);
  void RamRecords(bool first);
  void RamBlock(uint64_t at);
  void Footer(SectionRecord& record);

  const ByteSource& source_;
  StreamCursor cur_;
  ParsedStream out_;
  std::map<uint32_t, std::string> started_;  // section_id -> idstr of START sections
  bool saw_configuration_ = false;
  bool saw_ram_start_ = false;
};

void Parser::Header() {
  const uint64_t at = cur_.offset();
  const uint32_t magic = cur_.Be32();
  if (cur_.ok() && magic != kFileMagic) return cur_.Fail(at, "Not a migration stream");
  const uint32_t version = cur_.Be32();
  if (cur_.ok() && version != kFileVersion) return cur_.Fail(at + 4, "Unsupported migration stream version");
}

// savevm.c: vmstate_configuration (be32 len + name) and its subsections.
void Parser::Configuration() {
  const uint64_t at = cur_.offset() - 1;
  const uint32_t len = cur_.Be32();
  if (cur_.ok() && len > 256) return cur_.Fail(at + 1, StringPrintf("machine type name of %u bytes", len));
  out_.machine = cur_.String(len);
  while (cur_.ok() && cur_.Peek() == kSubsection) {
    const uint64_t sub_at = cur_.offset();
    cur_.U8();
    const std::string name = cur_.String(cur_.U8());
    const uint32_t version = cur_.Be32();
    if (!cur_.ok()) return;
    if (name != kCapabilitiesSubsection) {
      return cur_.Fail(sub_at, "Unknown subsection " + name + " in configuration");
    }
    if (version > kCapabilitiesVersion) {
      return cur_.Fail(sub_at, StringPrintf("%s: incoming version_id %u is too new", name.c_str(), version));
    }
    out_.capabilities_version = version;
    const uint32_t count = cur_.Be32();
    if (cur_.ok() && count > 64) return cur_.Fail(sub_at, StringPrintf("%u capabilities", count));
    for (uint32_t i = 0; i < count && cur_.ok(); ++i) out_.capabilities.push_back(cur_.String(cur_.U8()));
  }
  saw_configuration_ = true;
}

void Parser::Footer(SectionRecord& record) {
  const uint64_t at = cur_.offset();
  const uint8_t type = cur_.U8();
  if (cur_.ok() && type != kSectionFooter) return cur_.Fail(at, "Missing section footer for " + record.idstr);
  const uint32_t id = cur_.Be32();
  if (cur_.ok() && id != record.section_id) {
    return cur_.Fail(at, StringPrintf("Mismatched section id in footer for %s - read 0x%x expected 0x%x",
                                record.idstr.c_str(), id, record.section_id));
  }
  record.end_offset = cur_.offset();
}

void Parser::StartOrFull(uint64_t at, uint8_t type) {
  SectionRecord r{at, type, cur_.Be32(), "", 0, 0, 0};
  r.idstr = cur_.String(cur_.U8());
  r.instance_id = cur_.Be32();
  r.version_id = cur_.Be32();
  if (!cur_.ok()) return;
  if (r.idstr == kRamIdstr) {
    if (type != kSectionStart || saw_ram_start_) return cur_.Fail(at, "unexpected RAM section");
    if (r.instance_id != 0) return cur_.Fail(at, StringPrintf("Unknown savevm section or instance 'ram' %u", r.instance_id));
    if (r.version_id != kRamSectionVersion) {
      return cur_.Fail(at, StringPrintf("savevm: unsupported version %u for 'ram' v%u", r.version_id, kRamSectionVersion));
    }
    if (!out_.HasCapability(kMappedRamCapability)) {
      return cur_.Fail(at, "Capability mapped-ram is on, but received capability is off");
    }
    saw_ram_start_ = true;
    out_.ram_section_id = r.section_id;
    started_[r.section_id] = r.idstr;
    RamRecords(/*first=*/true);
  } else if (type == kSectionFull) {
    SkipDeviceBody(cur_, r.section_id, out_, out_.device_sections, r.idstr);
    ++out_.device_sections;
  } else {
    return cur_.Fail(at, StringPrintf("Unknown savevm section or instance '%s' %u", r.idstr.c_str(), r.instance_id));
  }
  Footer(r);
  out_.sections.push_back(r);
}

void Parser::PartOrEnd(uint64_t at, uint8_t type) {
  SectionRecord r{at, type, cur_.Be32(), "", 0, 0, 0};
  if (!cur_.ok()) return;
  auto started = started_.find(r.section_id);
  if (started == started_.end()) return cur_.Fail(at, StringPrintf("Unknown savevm section %u", r.section_id));
  r.idstr = started->second;
  RamRecords(/*first=*/false);
  out_.ram_sections_after_start.push_back(SectionTypeName(type));
  Footer(r);
  out_.sections.push_back(r);
}

void Parser::Command(uint64_t at) {
  CommandRecord c{at, cur_.Be16(), cur_.Be16()};
  if (cur_.ok() && c.command == kCmdSwitchoverStart && c.length != 0) {
    return cur_.Fail(at, StringPrintf("Invalid SWITCHOVER_START length: %x", c.length));
  }
  cur_.Bytes(c.length);
  if (cur_.ok()) out_.commands.push_back(c);
}

// ram.c:ram_load_precopy() for a mapped-ram stream: MEM_SIZE (START only)
// with per-block records, then EOS. Pages never travel in-band.
void Parser::RamRecords(bool first) {
  bool saw_mem_size = false;
  while (cur_.ok()) {
    const uint64_t at = cur_.offset();
    const uint64_t word = cur_.Be64();
    if (!cur_.ok()) return;
    const uint64_t flags = word & (kTargetPageSize - 1);
    if (flags == kRamFlagEos) break;
    if (flags == kRamFlagMultifdFlush) continue;
    if (flags == kRamFlagMemSize && first && !saw_mem_size) {
      saw_mem_size = true;
      out_.ram_total_length = word & ~(kTargetPageSize - 1);
      uint64_t remaining = out_.ram_total_length;
      // Each block record says where the next one is (after its pages), so a
      // crafted file can point back: a revisited offset is an error, which
      // bounds the loop by the file's size (zero-length blocks cost nothing
      // of `remaining`).
      std::set<uint64_t> block_offsets;
      while (remaining > 0 && cur_.ok()) {
        const uint64_t block_at = cur_.offset();
        if (!block_offsets.insert(block_at).second) {
          return cur_.Fail(block_at, StringPrintf("RAM block list revisits offset 0x%" PRIx64, block_at));
        }
        RamBlock(block_at);
        if (!cur_.ok()) return;
        const uint64_t used = out_.ram_blocks.back().used_length;
        if (used > remaining) return cur_.Fail(block_at, "RAM block lengths exceed the MEM_SIZE total");
        remaining -= used;
      }
      continue;
    }
    if (flags & (kRamFlagPage | kRamFlagZero)) return cur_.Fail(at, "in-band RAM page in a mapped-ram stream");
    return cur_.Fail(at, StringPrintf("Unknown combination of migration flags: 0x%" PRIx64, flags));
  }
  if (cur_.ok() && first && !saw_mem_size) cur_.Fail(cur_.offset() - 8, "RAM section without MEM_SIZE record");
}

// ram.c:parse_ramblock_mapped_ram(), with the header checks of mapped_ram_read_header().
void Parser::RamBlock(uint64_t at) {
  RamBlockRecord b;
  b.record_offset = at;
  b.idstr = cur_.String(cur_.U8());
  b.used_length = cur_.Be64();
  b.header_offset = cur_.offset();
  if (!cur_.ok()) return;
  if (b.idstr.empty()) return cur_.Fail(at, "RAM block with an empty idstr");
  std::vector<uint8_t> raw = cur_.Bytes(kMappedRamHeaderSize);
  if (!cur_.ok()) {
    return cur_.Fail(b.header_offset, StringPrintf("Could not read whole mapped-ram migration header (expected %zu, got %" PRIu64 ")",
                                             kMappedRamHeaderSize, cur_.file_size() - b.header_offset));
  }
  b.header = DecodeMappedRamHeader(raw.data());
  const MappedRamHeader& h = b.header;
  if (h.version > kMappedRamHeaderVersion) {
    return cur_.Fail(b.header_offset, StringPrintf("Migration mapped-ram capability version not supported (expected <= %u, got %u)",
                                             kMappedRamHeaderVersion, h.version));
  }
  if (h.page_size == 0 || !std::has_single_bit(h.page_size) || b.used_length % h.page_size != 0) {
    return cur_.Fail(b.header_offset + 4, StringPrintf("ramblock %s: page size %" PRIu64 " does not divide used_length %" PRIu64,
                                                 b.idstr.c_str(), h.page_size, b.used_length));
  }
  if (h.pages_offset % h.page_size != 0) {
    return cur_.Fail(b.header_offset + 20, "Error reading ramblock " + b.idstr + " pages, region has bad alignment");
  }
  b.pages = b.used_length / h.page_size;
  const uint64_t bitmap_size = BitmapSizeBytes(b.pages);
  if (h.bitmap_offset > cur_.file_size() || bitmap_size > cur_.file_size() - h.bitmap_offset ||
      h.pages_offset < h.bitmap_offset + bitmap_size || h.pages_offset > cur_.file_size() ||
      b.used_length > cur_.file_size() - h.pages_offset) {
    return cur_.Fail(b.header_offset + 12, StringPrintf("Error reading dirty bitmap: ramblock %s bitmap at 0x%" PRIx64
                                                  " and pages at 0x%" PRIx64 " do not fit the file",
                                                  b.idstr.c_str(), h.bitmap_offset, h.pages_offset));
  }
  b.bitmap = cur_.BytesAt(h.bitmap_offset, bitmap_size, "a dirty bitmap");
  if (!cur_.ok()) return;
  const uint64_t whole_bytes = b.pages / 8;
  for (uint64_t i = 0; i < whole_bytes; ++i) b.data_pages += static_cast<uint64_t>(std::popcount(b.bitmap[i]));
  if (b.pages % 8 != 0) {
    const unsigned mask = (1u << (b.pages % 8)) - 1;
    b.data_pages += static_cast<uint64_t>(std::popcount(static_cast<unsigned>(b.bitmap[whole_bytes] & mask)));
  }
  cur_.Seek(h.pages_offset + b.used_length);  // the next record follows the pages region
  out_.ram_blocks.push_back(std::move(b));
}

dioh::Result<ParsedStream> Parser::Run() {
  out_.file_size = source_.size();
  if (auto vmdesc = LocateVmDescription(source_)) {
    out_.vmdesc_offset = *vmdesc;
    StreamCursor desc(source_);
    desc.Seek(*vmdesc + 1);
    out_.vmdesc_json = desc.String(desc.Be32());
    if (!desc.ok()) return desc.status();
    DIOH_RETURN_IF_ERROR(ParseVmDescription(out_.vmdesc_json, *vmdesc, &out_));
  }
  Header();
  while (cur_.ok()) {
    const uint64_t at = cur_.offset();
    const uint8_t type = cur_.U8();
    if (!cur_.ok()) break;
    if (type != kConfiguration && !saw_configuration_) {
      cur_.Fail(at, "Configuration section missing");
      break;
    }
    if (type == kEof) {
      out_.eof_offset = at;
      break;
    }
    switch (type) {
      case kConfiguration:
        if (saw_configuration_) cur_.Fail(at, "second configuration section");
        else Configuration();
        break;
      case kSectionStart:
      case kSectionFull: StartOrFull(at, type); break;
      case kSectionPart:
      case kSectionEnd: PartOrEnd(at, type); break;
      case kCommand: Command(at); break;
      default: cur_.Fail(at, StringPrintf("Unknown savevm section type %u", type));
    }
  }
  if (!cur_.ok()) return cur_.status();
  if (!saw_ram_start_) return FormatError(out_.eof_offset, "no RAM section before EOF");
  if (out_.vmdesc_offset == 0) {
    if (cur_.offset() != out_.file_size) return FormatError(cur_.offset(), "data after EOF is not a VMDESCRIPTION");
    return FormatError(cur_.offset(), "no VMDESCRIPTION after EOF");
  }
  if (cur_.offset() != out_.vmdesc_offset) {
    return FormatError(cur_.offset(), StringPrintf("EOF is not followed by the VMDESCRIPTION found at 0x%" PRIx64, out_.vmdesc_offset));
  }
  return std::move(out_);
}

}  // namespace

bool ParsedStream::HasCapability(const std::string& name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

const char* SectionTypeName(uint8_t type) {
  switch (type) {
    case kEof: return "eof";
    case kSectionStart: return "start";
    case kSectionPart: return "part";
    case kSectionEnd: return "end";
    case kSectionFull: return "full";
    case kSubsection: return "subsection";
    case kVmDescription: return "vmdescription";
    case kConfiguration: return "configuration";
    case kCommand: return "command";
    case kSectionFooter: return "footer";
    default: return "unknown";
  }
}

dioh::Result<ParsedStream> ParseMigrationFile(const ByteSource& source, uint64_t stream_start) {
  return Parser(source, stream_start).Run();
}

}  // namespace mrm::format
