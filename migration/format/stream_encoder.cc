#include "migration/format/stream_encoder.h"

#include <nlohmann/json.hpp>

#include "migration/format/stream_constants.h"

namespace mrm::format {

void EncodeFileHeader(ByteWriter& w) {
  w.Be32(kFileMagic);
  w.Be32(kFileVersion);
}

void EncodeConfiguration(ByteWriter& w, const std::string& machine, const std::vector<std::string>& capabilities) {
  w.U8(kConfiguration);
  w.Be32(static_cast<uint32_t>(machine.size()));
  w.Bytes(machine);
  w.U8(kSubsection);
  w.CountedString(kCapabilitiesSubsection);
  w.Be32(kCapabilitiesVersion);
  w.Be32(static_cast<uint32_t>(capabilities.size()));
  for (const std::string& c : capabilities) w.CountedString(c);
}

void EncodeSectionHeader(ByteWriter& w, uint8_t type, uint32_t section_id, const std::string& idstr,
                         uint32_t instance_id, uint32_t version_id) {
  w.U8(type);
  w.Be32(section_id);
  w.CountedString(idstr);
  w.Be32(instance_id);
  w.Be32(version_id);
}

void EncodeSectionShortHeader(ByteWriter& w, uint8_t type, uint32_t section_id) {
  w.U8(type);
  w.Be32(section_id);
}

void EncodeSectionFooter(ByteWriter& w, uint32_t section_id) {
  w.U8(kSectionFooter);
  w.Be32(section_id);
}

void EncodeSwitchoverStart(ByteWriter& w) {
  w.U8(kCommand);
  w.Be16(kCmdSwitchoverStart);
  w.Be16(0);
}

void EncodeRamBlockRecord(ByteWriter& w, const std::string& idstr, uint64_t used_length, const MappedRamHeader& h) {
  w.CountedString(idstr);
  w.Be64(used_length);
  for (uint8_t b : EncodeMappedRamHeader(h)) w.U8(b);
}

std::vector<SyntheticDevice> MakeSyntheticDevices(uint64_t seed) {
  std::vector<SyntheticDevice> devices = {
      {"timer", 0, 2, {{"cpu_ticks_offset", "int64", 8}, {"unused", "unused_buffer", 8}, {"cpu_clock_offset", "int64", 8}}, {}},
      {"serial", 0, 3, {{"divider", "uint16", 2}, {"rbr", "uint8", 1}, {"ier", "uint8", 1}, {"lcr", "uint8", 1},
                        {"thr_ipending", "int32", 4}, {"fifo", "buffer", 16}}, {}},
      {"serial", 1, 3, {{"divider", "uint16", 2}, {"rbr", "uint8", 1}, {"ier", "uint8", 1}, {"lcr", "uint8", 1},
                        {"thr_ipending", "int32", 4}, {"fifo", "buffer", 16}}, {}},
      {"globalstate", 0, 1, {{"size", "uint32", 4}, {"runstate", "buffer", 100}}, {}},
  };
  uint64_t x = seed ^ 0x9e3779b97f4a7c15ULL;
  for (SyntheticDevice& d : devices) {
    for (const SyntheticDevice::Field& f : d.fields) {
      for (uint32_t i = 0; i < f.size; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // bodies deliberately contain footer-like bytes (0x7e) to exercise the reader
        d.body.push_back(static_cast<uint8_t>(x % 5 == 0 ? uint64_t{kSectionFooter} : x >> 24));
      }
    }
  }
  return devices;
}

std::string BuildVmDescriptionJson(const std::string& machine, const std::vector<std::string>& capabilities,
                                   uint64_t page_size, const std::vector<SyntheticDevice>& devices) {
  using nlohmann::ordered_json;
  uint32_t caps_size = 0;
  for (const std::string& c : capabilities) caps_size += static_cast<uint32_t>(c.size());
  ordered_json j;
  j["configuration"] = {
      {"vmsd_name", "configuration"},
      {"version", 1},
      {"fields", {{{"name", "len"}, {"type", "uint32"}, {"size", 4}},
                  {{"name", "name"}, {"type", "buffer"}, {"size", machine.size()}}}},
      {"subsections",
       {{{"vmsd_name", kCapabilitiesSubsection},
         {"version", kCapabilitiesVersion},
         {"fields", {{{"name", "caps_count"}, {"type", "uint32"}, {"size", 4}},
                     {{"name", "capabilities"}, {"type", "capability"}, {"size", caps_size}}}}}}}};
  if (capabilities.size() > 1) {
    j["configuration"]["subsections"][0]["fields"][1]["array_len"] = capabilities.size();
  }
  j["page_size"] = page_size;
  j["devices"] = ordered_json::array();
  for (const SyntheticDevice& d : devices) {
    ordered_json fields = ordered_json::array();
    for (const SyntheticDevice::Field& f : d.fields) fields.push_back({{"name", f.name}, {"type", f.type}, {"size", f.size}});
    j["devices"].push_back({{"name", d.name}, {"instance_id", d.instance_id}, {"vmsd_name", d.name},
                            {"version", d.version_id}, {"fields", fields}});
  }
  return j.dump();
}

void EncodeEofAndVmDescription(ByteWriter& w, const std::string& json) {
  w.U8(kEof);
  w.U8(kVmDescription);
  w.Be32(static_cast<uint32_t>(json.size()));
  w.Bytes(json);
}

}  // namespace mrm::format
