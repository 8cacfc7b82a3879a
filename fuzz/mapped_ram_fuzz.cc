// mapped-ram migration files (mrmigrate inspect, load): any bytes give a
// report or a Status naming an offset, in bounded time and memory (a block
// list that points back at itself once looped until memory ran out).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "migration/format/byte_source.h"
#include "migration/format/inspect.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  const mrm::format::MemoryByteSource source(bytes);
  auto report = mrm::format::Inspect(source);
  if (!report.ok()) {
    if (report.status().message().find("offset 0x") == std::string::npos) std::abort();
    return 0;
  }
  (void)mrm::format::RenderInspectText(*report);
  (void)mrm::format::RenderInspectJson(*report);
  return 0;
}
