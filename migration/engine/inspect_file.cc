#include "migration/engine/inspect_file.h"

#include <fcntl.h>

#include "migration/channel/channel_open.h"
#include "migration/channel/main_channel.h"

namespace mrm::engine {

dioh::Result<format::InspectReport> InspectFile(channel::FileSystem& fs, const std::string& path, uint64_t offset) {
  auto file = channel::OpenChannelFile(fs, path, O_RDONLY);
  if (!file.ok()) return file.status();
  auto source = channel::FileByteSource::Open(std::move(*file));
  if (!source.ok()) return source.status();
  return format::Inspect(**source, offset);
}

}  // namespace mrm::engine
