#include "fs/core/alignment.h"

#include <cerrno>

#include "fs/sim/units.h"

namespace diofs {

dioh::Result<Alignment> Alignment::Of(std::uint64_t bytes) {
  if (bytes == 0 || (bytes & (bytes - 1)) != 0) {
    return dioh::Status::Error(EINVAL, "alignment " + std::to_string(bytes) + " is not a power of two");
  }
  return Alignment(bytes);
}

dioh::Result<Alignment> Alignment::Parse(const std::string& text) {
  auto bytes = sim::ParseSize(text);
  if (!bytes.ok()) return bytes.status();
  return Of(*bytes);
}

}  // namespace diofs
