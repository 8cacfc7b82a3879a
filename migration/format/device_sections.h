// Skipping device FULL section bodies and finding the JSON description, the
// parts of a stream whose layout only the device's VMState knows.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "migration/format/byte_source.h"
#include "migration/format/stream_parser.h"

namespace mrm::format {

// The VMDESCRIPTION record at the end of the file, found as
// analyze-migration.py does (after the last EOF byte) but strictly: a 0x06 at
// p, preceded by EOF (0x00), whose be32 length reaches exactly the end of the
// file and whose body starts with '{'. Returns its offset.
std::optional<uint64_t> LocateVmDescription(const ByteSource& source);

// Parses the JSON (page_size, devices[name, instance_id]). Errors name `offset`.
dioh::Status ParseVmDescription(const std::string& json, uint64_t offset, ParsedStream* out);

// Moves the cursor from a FULL section body to the start of its footer.
// A device body is opaque without interpreting VMState fields, so the footer
// (0x7e + be32 section_id) is searched for and accepted only if what follows
// it is a valid next record: a FULL header (whose idstr matches the JSON
// description's next device when one is known) or EOF (followed by the
// description or the end of the file).
void SkipDeviceBody(StreamCursor& cursor, uint32_t section_id, const ParsedStream& stream,
                    size_t device_index, const std::string& idstr);

}  // namespace mrm::format
